"""The plain functions of Abstractor's runs: discovery, stages, runs, evaluation, calibration, purge, reindex.

Nothing here imports Prefect: `flows/` wraps these functions in flows and tasks, and the tests call them
directly. Arrows point down: this package imports extractors, retrieval, goldset, storage and schemas.
"""
