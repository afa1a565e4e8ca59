"""Pydantic shapes shared by every package: no I/O, and nothing of ours imported."""
