"""The web layer: form helpers, error pages, navigation and wording shared by views.

It sits above every domain package; no domain module imports it.
"""
