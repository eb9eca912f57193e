"""Permanent disability rating under the 2005 schedule (PDRS): its tables and the rating engine."""
