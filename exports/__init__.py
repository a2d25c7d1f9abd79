"""Exports: the Excel workbook, the report draft, raw JSON/CSV, and reading proposals back in."""
