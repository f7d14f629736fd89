"""A real OpenID Connect provider for the single sign-on browser tests (django-oidc-provider).

A tiny Django project of its own, run in a second process by ``tests/e2e/test_sso_browser.py``:
``setup.py`` migrates its SQLite database, creates its RSA signing key, clients and users, then
``manage.py runserver`` serves it. Nothing of it is part of Trygghet.
"""
