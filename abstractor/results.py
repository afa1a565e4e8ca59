"""A search result (`SearchResult.to_json()`) as every face shows it: the same words, pieces and facets.

The CLI prints it, the web page renders it; both read the JSON shape the API answers, so a result that
came from a running server and one searched in process look the same.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

NO_ANSWER = "No page answers this well; closest:"
RELEVANCE_HELP = "calibrated probability that this contract answers the question"
PHRASE_HELP = '"quoted words" search a phrase: they must stand together, in that order, on the page'


def pieces(text: str, highlights: Sequence[Sequence[int]]) -> list[tuple[str, bool]]:
    """`text` cut at the highlight spans: (piece, highlighted) in order, joining back to `text`.

    The spans come over the wire, so they are not trusted: clamped to the text, sorted, and a span
    that overlaps the one before it is merged into it.
    """
    clamped = sorted(
        (max(0, min(int(h[0]), len(text))), max(0, min(int(h[1]), len(text)))) for h in highlights
    )
    spans: list[tuple[int, int]] = []
    for start, end in clamped:
        if end <= start:
            continue
        if spans and start <= spans[-1][1]:
            spans[-1] = (spans[-1][0], max(end, spans[-1][1]))
        else:
            spans.append((start, end))
    cut: list[tuple[str, bool]] = []
    at = 0
    for start, end in spans:
        if start > at:
            cut.append((text[at:start], False))
        cut.append((text[start:end], True))
        at = end
    if at < len(text):
        cut.append((text[at:], False))
    return cut


def ranked_facets(facets: Mapping[str, int]) -> list[tuple[str, int]]:
    """The clauses some admitted document has, most documents first (then by name): (slug, documents)."""
    return sorted(((slug, count) for slug, count in facets.items() if count > 0), key=lambda f: (-f[1], f[0]))


def facet_line(facets: Mapping[str, int]) -> str | None:
    """`clauses: termination_for_convenience 4 · anti_assignment 2`, or None when no clause is present."""
    ranked = ranked_facets(facets)
    return "clauses: " + " · ".join(f"{slug} {count}" for slug, count in ranked) if ranked else None


def relevance_percent(relevance: float | None) -> str | None:
    """0.834 -> "83%"; None (no calibration for this encoder) -> None: no number is shown."""
    return None if relevance is None else f"{round(relevance * 100)}%"
