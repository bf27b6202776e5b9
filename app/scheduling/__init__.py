"""Scheduling in the app: plan rows → engine plans → stored work orders (and back again)."""
