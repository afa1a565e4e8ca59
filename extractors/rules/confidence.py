"""Confidences: how often each rule's answer is right, measured on the golden set's dev split.

A value's confidence = its rule's measured precision, scaled down when OCR was unsure of the words it
was read from. "Nothing here" confidences are per field: how often the field really is absent from a
document where no rule found it. Measured with the dev harness (see README: embedded engine); a rule
the dev split never exercised gets a conservative prior.
"""

from __future__ import annotations

# Rule -> share of its (winning) answers that were right on the dev split.
RULE_PRECISION: dict[str, float] = {
    "effective.defined": 0.971,
    "effective.defined.ambiguous": 0.8,
    "effective.made": 0.984,
    "effective.made.ambiguous": 0.85,
    "execution.signatures": 0.987,
    "expiration.defined": 0.95,
    "expiration.expire": 0.96,
    "expiration.expire.ambiguous": 0.8,
    "law.laws_of": 0.989,
    "notice.terminate": 0.988,
    "party.between": 0.8,
    "party.defined.strong": 0.994,
    "party.role_line": 0.933,
    "party.signature": 0.93,
    "payment.net": 0.968,
    "payment.within": 0.95,
    "renewal.periods": 0.971,
    "renews.implied": 0.8,
    "renews.no": 0.94,
    "renews.yes": 0.971,
    "signatory.full": 0.925,
    "signatory.partial": 0.933,
    "term.defined": 0.988,
    "title.heading": 0.989,
    "title.preamble": 0.9,
    "type.keyword": 0.99,
    "value.total": 0.985,
    # Rules added in version 3 for wordings and layouts the dev split does not use: not measured there, so
    # priors below the measured rules (a measured strong cue must win over them).
    "type.preamble": 0.75,
    "type.roles": 0.7,
    "type.other": 0.55,
    "signatory.unlabelled": 0.7,
    "signatory.table": 0.75,
    "party.listed": 0.75,
    "effective.header": 0.65,
    "execution.witness": 0.7,
    "renews.mutual": 0.75,
    "renews.label": 0.8,
    "renews.successive": 0.8,
    "renews.rolling": 0.7,
    "renewal.loose": 0.7,
    "renewal.annual": 0.65,
    # Version 5: the text says the agreement takes effect when the last party signs.
    "effective.on_signing": 0.7,
}
# A rule not in the table: a modest prior, so an unmeasured cue never outranks a measured strong one.
DEFAULT_PRECISION = 0.6
# Field -> share of documents with nothing found where the label was empty too.
ABSENT_PRECISION: dict[str, float] = {
    "auto_renewal": 0.953,
    "contract_type": 0.467,
    "contract_value": 0.936,
    "effective_date": 0.35,
    "execution_date": 0.967,
    "expiration_date": 0.984,
    "governing_law": 0.629,
    "payment_terms_days": 0.926,
    "renewal_term": 0.94,
    "term": 0.886,
    "termination_notice_days": 0.877,
    "title": 0.467,
}
# List field -> share of documents where no element of the labelled list was missed.
LIST_COMPLETENESS: dict[str, float] = {
    "parties": 0.974,
    "signatories": 0.845,
}
DEFAULT_ABSENT = 0.6
# The dev split's layouts and wordings are fewer than real contracts use: a rule measured at 99% there is
# right less often elsewhere (version 2 answered 0.96 and was right 77% of the time on unseen layouts).
# Measured precisions are shrunk by this factor; the unmeasured priors above are already modest.
GENERALIZATION = 0.92
# A field found nowhere may still be there in a layout the rules do not read: never claim more than this.
MAX_ABSENT = 0.9
# A page that mentions a field's subject ("governing law", "renew") but yielded no value is less sure:
# the ratio of "really absent" rates with and without such a mention, pooled over fields (too few
# documents per field to measure it field by field).
CUED_ABSENT_FACTOR = 0.972


def ocr_factor(ocr_confidence: float) -> float:
    """OCR word confidence (0..1) -> multiplier: clean print costs nothing, garbled words a lot."""
    return min(1.0, 0.55 + 0.5 * ocr_confidence)


def value_confidence(rule: str, ocr_confidence: float, field: str | None = None) -> float:
    """How likely the answer is right. For a list field (parties, signatories) the merged field reports
    its least confident item, and is right only when no element is missing, so items also carry the
    share of documents whose list the rules found complete."""
    completeness = LIST_COMPLETENESS.get(field, 1.0) if field else 1.0
    precision = RULE_PRECISION.get(rule, DEFAULT_PRECISION)
    if precision > 0.9:
        precision *= GENERALIZATION
    return round(precision * completeness * ocr_factor(ocr_confidence), 4)


def absent_confidence(field: str, cued: bool) -> float:
    """How likely a field the rules did not find is really absent; lower on a page that talks about it."""
    base = min(MAX_ABSENT, ABSENT_PRECISION.get(field, DEFAULT_ABSENT))
    return round(base * (CUED_ABSENT_FACTOR if cued else 1.0), 4)
