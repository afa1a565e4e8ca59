"""Orchestration: plain ingest functions (no Prefect) and the Prefect flows that wrap them.

Only the modules named after flows (`ingest_flow.py`, ...) import Prefect; the rest are plain functions
that the tests call directly.
"""
