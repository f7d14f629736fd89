"""Pages of the meetings app, a module per concern (``meetings/urls.py`` lists them).

Thin: look up through ``restrict``, ask ``meetings.permissions``, validate, call a service.
"""
