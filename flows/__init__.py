"""Orchestration only: the Prefect flows, deployments and task runners that wrap `pipeline/`.

This is the one package that imports Prefect; the work itself lives in `pipeline/`.
"""
