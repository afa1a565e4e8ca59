"""Errors of the render, orientation and OCR stages, each with a reason a person understands.

The pipeline records `reason` on the document or page result (failures are data); only the faces turn it
into an exit code or an HTTP status.
"""

from __future__ import annotations


class BadDocument(Exception):  # noqa: N818 - the pipeline's word for it, not an Error
    """The file cannot be rendered as it is: retrying will not help, a person has to look at it."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class OcrError(Exception):
    """Tesseract failed or timed out on one page image; the document itself may be fine."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def summarise_stderr(stderr: bytes | str, limit: int = 300) -> str:
    """The distinct lines of a tool's stderr on one line, short enough for a status column."""
    text = stderr.decode("utf-8", "replace") if isinstance(stderr, bytes) else stderr
    lines: list[str] = []
    for line in (raw.strip() for raw in text.splitlines()):
        if line and line not in lines:  # poppler repeats the same syntax error many times
            lines.append(line)
    summary = "; ".join(lines) or "no error output"
    return summary if len(summary) <= limit else summary[: limit - 3] + "..."
