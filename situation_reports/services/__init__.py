"""Workflows of the app: plain functions over the models, called by views, tasks, commands and
the demo alike (a module per concern)."""
