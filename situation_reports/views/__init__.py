"""The app's pages, a module per concern; ``urls.py`` lists them. Every page is a
``@municipal_view`` and asks ``situation_reports.permissions`` what the member may do."""
