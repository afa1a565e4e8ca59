"""The addresses the search page and the viewer hand each other: a search is its `q` and `where` clauses.

A hit opens the viewer at its page with the matched passage's boxes (`box=left,top,right,bottom`, pixels
of the stored page image) and the search's `q` and `where`, so the viewer can box the passage and lead
back to the same results.
"""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import urlencode

MAX_BOXES = 64  # passage boxes a viewer address carries (a passage is a paragraph: a few lines, one box each)
Box = tuple[int, int, int, int]  # left, top, right, bottom


def query_string(pairs: Sequence[tuple[str, str | int]]) -> str:
    """A query string that keeps `,` and `=` readable (`where=clause.anti_assignment=true`, `box=1,2,3,4`):
    both are allowed in a query's values; `&`, `#`, `+`, `%`, `<` and `>` are still escaped."""
    return urlencode([(k, str(v)) for k, v in pairs], safe=",=")


def search_pairs(q: str, where: Sequence[str]) -> list[tuple[str, str | int]]:
    return [("q", q), *(("where", clause) for clause in where)]


def search_url(q: str, where: Sequence[str], page: int = 1) -> str:
    """The search page for `q` under `where`: what the pager, the facets and the viewer's way back link."""
    return "/search?" + query_string([*search_pairs(q, where), *([("page", page)] if page > 1 else [])])


def viewer_url(document: int, page: int, q: str, where: Sequence[str], boxes: Sequence[Sequence[int]]) -> str:
    """The document viewer at `page`, the passage's `boxes` drawn on it and a way back to this search."""
    pairs: list[tuple[str, str | int]] = [("page", page), *search_pairs(q, where)]
    pairs += [("box", ",".join(str(int(v)) for v in box[:4])) for box in boxes[:MAX_BOXES] if len(box) >= 4]
    return f"/documents/{document}?{query_string(pairs)}"


def parse_boxes(raw: Sequence[str]) -> list[Box]:
    """`box=left,top,right,bottom` values as boxes; a malformed or empty one is left out (the address
    is the user's to edit; a box that cannot be drawn is simply not drawn)."""
    boxes: list[Box] = []
    for value in raw[:MAX_BOXES]:
        parts = value.split(",")
        if len(parts) != 4 or not all(part.strip().isdigit() for part in parts):
            continue
        left, top, right, bottom = (int(part) for part in parts)
        if right > left and bottom > top:
            boxes.append((left, top, right, bottom))
    return boxes


def rects(boxes: Sequence[Sequence[int]]) -> list[Box]:
    """(left, top, right, bottom) boxes as an SVG <rect> wants them: x, y, width, height."""
    return [(b[0], b[1], max(1, b[2] - b[0]), max(1, b[3] - b[1])) for b in boxes if len(b) >= 4]
