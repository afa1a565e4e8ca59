"""The web faces: the JSON API (and, later, the HTML pages) on one FastAPI app."""
