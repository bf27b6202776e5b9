"""What the demo property is made of, as plain data: one module per part, no logic.

Dates are fixed around the demo's reference day (`DEMO_TODAY`) rather than
derived from today, so the same licences are "expiring soon" on every run.
"""

from datetime import date

DEMO_TODAY = date(2026, 3, 2)
"""The day the data is written for: expiries and inspections are placed around it."""
