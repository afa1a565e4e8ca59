"""Extraction engines: one interface (base.py), several implementations."""
