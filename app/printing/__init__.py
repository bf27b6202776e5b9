"""Printed sheets (A4 PDFs with WeasyPrint): checklists, records, patrols, rosters, labels, history.

One module builds each sheet's data with already-translated strings for an explicit
locale (so the CLI can print English with `--lang en`), `render` turns a template
into a PDF with one font configuration per process, and nothing is fetched from
outside the app.
"""
