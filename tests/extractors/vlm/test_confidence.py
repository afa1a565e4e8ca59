"""Field confidence from hand-built token sequences, with forced (0.0) and masked (-9999) entries as vLLM
reports them after grammar masking."""

from __future__ import annotations

import math

import pytest

from extractors.vlm.client import TokenLogprob
from extractors.vlm.confidence import (
    ConfidenceMethod,
    TokenSpans,
    combine,
    field_confidences,
    page_confidence,
    parse_spans,
)

MASKED = -9999.0


def forced(text: str) -> TokenLogprob:
    """A token the grammar forced: probability 1, every alternative masked."""
    return TokenLogprob(text.encode(), 0.0, (0.0, MASKED, MASKED))


def free(text: str, probability: float) -> TokenLogprob:
    """A token the model chose among real alternatives."""
    logprob = math.log(probability)
    return TokenLogprob(text.encode(), logprob, (logprob, math.log(1 - probability) - 0.1, MASKED))


def score(tokens: list[TokenLogprob], method: ConfidenceMethod = ConfidenceMethod.joint):
    text = b"".join(token.text for token in tokens).decode()
    return field_confidences(parse_spans(text), TokenSpans(text, tokens), method)


def test_parse_spans_gives_each_value_its_character_span():
    text = '{"a": "x y", "b":[1, {"c":null}], "d":-2.5e3, "e":true}'
    root = parse_spans(text)
    assert root.value == {"a": "x y", "b": [1, {"c": None}], "d": -2500.0, "e": True}
    children = root.children
    assert isinstance(children, dict)
    assert text[children["a"].start : children["a"].end] == '"x y"'
    assert text[children["b"].start : children["b"].end] == '[1, {"c":null}]'
    assert text[children["d"].start : children["d"].end] == "-2.5e3"


@pytest.mark.parametrize("bad", ['{"a":1', '{"a":1} x', '{"a" 1}', "[1,]", '{"a":nul}', ""])
def test_parse_spans_rejects_invalid_json(bad):
    with pytest.raises(ValueError):
        parse_spans(bad)


def test_a_value_is_scored_on_its_own_tokens_not_on_keys_or_braces():
    tokens = [
        free("{", 0.1),  # not part of any value: must not count
        forced('"title":'),
        free('"', 0.9),
        free("Lease", 0.8),
        free('"', 0.5),
        forced(',"days":'),
        free("30", 0.6),
        forced("}"),
    ]
    fields = score(tokens)
    assert fields["title"].field == pytest.approx(0.9 * 0.8 * 0.5)
    assert fields["days"].field == pytest.approx(0.6)


def test_forced_tokens_are_neutral_and_masked_alternatives_ignored():
    # Only "2024" was a choice; the rest of the date was forced by the pattern.
    tokens = [forced('{"d":"'), free("2024", 0.7), forced("-01-31"), forced('"}')]
    assert score(tokens)["d"].items == [pytest.approx(0.7)]
    # A token the grammar forced reads 0.0 and is not a choice at all.
    assert not forced("x").free
    # One real alternative besides -9999 entries makes it a choice.
    assert TokenLogprob(b"x", -0.2, (-0.2, -1.8, MASKED)).free


def test_an_all_forced_value_is_certain():
    tokens = [forced('{"kind":"only_choice"}')]
    assert score(tokens)["kind"].field == 1.0


def test_null_gets_the_probability_of_nothing_here():
    tokens = [forced('{"title":'), free("null", 0.95), forced("}")]
    fields = score(tokens)
    assert fields["title"].field == pytest.approx(0.95)
    assert fields["title"].items == [pytest.approx(0.95)]


def test_an_empty_list_gets_the_probability_of_closing_it_at_once():
    tokens = [forced('{"parties":['), free("]", 0.9), forced("}")]
    fields = score(tokens)
    assert fields["parties"].items == []
    assert fields["parties"].field == pytest.approx(0.9)


def test_list_items_are_scored_apart_and_the_field_is_the_weakest_choice():
    tokens = [
        forced('{"p":['),
        free('"A', 0.9),
        free('"', 0.9),
        free(",", 0.7),
        free('"B', 0.4),
        free('"', 0.9),
        free("]", 0.8),
        forced("}"),
    ]
    fields = score(tokens)
    first, second = fields["p"].items
    assert first == pytest.approx(0.9 * 0.9)
    assert second == pytest.approx(0.4 * 0.9)
    assert fields["p"].field == pytest.approx(0.4 * 0.9)


def test_a_token_straddling_key_and_value_counts_for_the_value():
    # Byte-level BPE may merge the colon with the start of the value.
    tokens = [forced('{"a"'), free(":n", 0.3), forced("ull}")]
    assert score(tokens)["a"].field == pytest.approx(0.3)


def test_weakest_token_method_takes_the_least_sure_choice():
    tokens = [forced('{"t":"'), free("ab", 0.9), free("cd", 0.5), free('"', 0.99), forced("}")]
    assert score(tokens, ConfidenceMethod.weakest_token)["t"].field == pytest.approx(0.5)
    assert score(tokens, ConfidenceMethod.joint)["t"].field == pytest.approx(0.9 * 0.5 * 0.99)


def test_multibyte_characters_split_across_tokens_align_by_bytes():
    text = '{"n":"Zoë"}'
    encoded = text.encode()
    split = encoded.index("ë".encode()) + 1  # cut inside the two bytes of ë
    tokens = [
        TokenLogprob(encoded[:6], 0.0, (0.0, MASKED)),  # {"n":"
        TokenLogprob(encoded[6:split], math.log(0.5), (math.log(0.5), -1.0)),
        TokenLogprob(encoded[split:], 0.0, (0.0, MASKED)),
    ]
    fields = field_confidences(parse_spans(text), TokenSpans(text, tokens))
    assert fields["n"].field == pytest.approx(0.5)


def test_tokens_that_do_not_spell_the_text_fall_back_to_the_whole_answer():
    text = '{"a":1,"b":2}'
    tokens = [free("{", 0.5), free("garbage", 0.5)]
    spans = TokenSpans(text, tokens)
    assert not spans.aligned
    fields = field_confidences(parse_spans(text), spans)
    assert fields["a"].field == pytest.approx(0.25) and fields["b"].field == pytest.approx(0.25)


def test_combine_and_page_confidence():
    assert combine([], ConfidenceMethod.joint) == 1.0
    assert combine([forced("x")], ConfidenceMethod.weakest_token) == 1.0
    assert page_confidence([0.9, 0.2, 0.7]) == 0.2
    assert page_confidence([]) == 1.0


def test_raw_control_characters_in_strings_are_accepted():
    # xgrammar's string grammar lets a model write a raw tab; the value is still readable.
    assert parse_spans('{"a":"x\ty"}').value == {"a": "x\ty"}


def test_each_question_of_a_group_is_scored_on_its_own_answer():
    tokens = [
        forced('{"title":'),
        free('"Lease"', 0.9),
        forced(',"clauses":{"non_compete":'),
        free("true", 0.7),
        forced(',"audit_rights":'),
        free("false", 0.4),
        forced("}}"),
    ]
    text = b"".join(token.text for token in tokens).decode()
    fields = field_confidences(parse_spans(text), TokenSpans(text, tokens), groups={"clauses"})
    assert set(fields) == {"title", "clauses.non_compete", "clauses.audit_rights"}
    assert fields["clauses.non_compete"].field == pytest.approx(0.7)
    assert fields["clauses.audit_rights"].field == pytest.approx(0.4)
    # Without the group, the object is one value, as sure as all its answers together.
    assert score(tokens)["clauses"].field == pytest.approx(0.7 * 0.4)


def test_an_answer_without_logprobs_is_unknown_everywhere_never_certain():
    # A server that ignored the request for logprobs: no tokens for a non-empty answer.
    text = '{"title": "Lease", "parties": ["A", "B"], "clauses": {"audit": true}}'
    confidences = field_confidences(parse_spans(text), TokenSpans(text, []), groups={"clauses"})
    assert confidences["title"].field is None and confidences["title"].items == [None]
    assert confidences["parties"].items == [None, None]
    assert confidences["clauses.audit"].field is None
    assert page_confidence([0.9, None]) is None and page_confidence([0.9, 0.4]) == 0.4
