"""Turning page images into data: render, OCR, extraction engines, grounding and merging."""
