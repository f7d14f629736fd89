"""Workflows of the councils app that touch several rows: plain functions, called by views,
tasks and commands alike, one module per concern (people, agreements, reminders)."""
