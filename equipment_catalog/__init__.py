"""Shipped catalog data: one YAML file per equipment family or library, plus schema.json.

A package (not a loose folder) so the data travels with ``pip install`` and is
found through ``importlib.resources``. Format: see README.md next to this file.
"""
