"""Jinja templates for pages and printed sheets, shipped as package data."""
