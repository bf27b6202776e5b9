"""The web layer: form helpers, error pages, navigation and wording shared by views."""
