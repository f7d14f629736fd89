"""The app's forms, a module per concern."""
