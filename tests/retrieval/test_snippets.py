"""Query parsing (words, "phrases") and snippets with highlight spans."""

from __future__ import annotations

from retrieval.snippets import parse_query, snippet


def marked(text: str, spans: list[tuple[int, int]]) -> list[str]:
    return [text[start:end] for start, end in spans]


def test_quoted_phrases_are_kept_and_stop_words_are_not_highlighted() -> None:
    query = parse_query('can we "terminate  for Convenience" early?')
    assert query.text == "can we terminate for Convenience early?"
    assert query.phrases == ["terminate for Convenience"]
    assert query.words == ["terminate", "convenience", "early"]  # "can", "we", "for" are stop words


def test_highlights_cover_whole_words_and_phrases_across_lines() -> None:
    passage = "Either party may terminate\nfor convenience; termination fees apply. Early notice."
    cut = snippet(passage, parse_query('"terminate for convenience" early'))
    assert cut.text == "Either party may terminate for convenience; termination fees apply. Early notice."
    assert marked(cut.text, cut.highlights) == ["terminate for convenience", "Early"]  # not "termination"


def test_a_long_passage_is_cut_around_its_first_highlight_on_word_boundaries() -> None:
    words = [f"w{i}" for i in range(200)]
    words[120] = "indemnify"
    cut = snippet(" ".join(words), parse_query("indemnify"), width=80)
    assert cut.text.startswith("… ") and cut.text.endswith(" …")
    assert len(cut.text) <= 80 + 4
    assert marked(cut.text, cut.highlights) == ["indemnify"]
    assert all(piece.startswith("w") or piece in ("…", "indemnify") for piece in cut.text.split())


def test_a_passage_without_the_words_has_no_highlights() -> None:
    cut = snippet("Governing law: New York.", parse_query("arbitration"))
    assert cut.text == "Governing law: New York." and cut.highlights == []
