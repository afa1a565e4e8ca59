"""The embedded extraction engine: grammars and cue phrases over the OCR words, no model server."""
