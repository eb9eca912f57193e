"""Extraction: a Document to the ReportRecord of the contract (spaCy rules, linkers, validation)."""
