"""The stages of one document, each "load, compute, store": render (+ OCR), extract, index.

A stage writes its blobs first and then, in one transaction (in `storage.db`), its rows together with
its stage state. Blob keys are deterministic, so a re-run overwrites what a dead run left.
"""
