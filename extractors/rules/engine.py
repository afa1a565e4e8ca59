"""The embedded engine: grammars and cue phrases over the OCR words, on the CPU, with no model server.

It is the baseline row of every accuracy report and the fallback when the model servers are down. It
reads all pages of a document together (a party defined on page 1 signs on page 7), chooses one value per
field for the document, and reports each value on the page where its evidence is, with a confidence
measured on the golden set's dev split (confidence.py). Fields it found nothing for are reported empty
with the confidence that nothing is there.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel, ValidationError

from extractors.clauses import ClauseClassifier, ClauseFinding
from extractors.engines.base import ExtractionEngine, PageInput
from extractors.rules import clauses
from extractors.rules.candidates import Candidate
from extractors.rules.confidence import absent_confidence, value_confidence
from extractors.rules.date_fields import date_candidates
from extractors.rules.dates import day_first_evidence
from extractors.rules.documents import document_candidates
from extractors.rules.injection import mask_instructions
from extractors.rules.text import PageText, vocabulary
from schemas.clauses import ClauseCategory
from schemas.contract import ContractFields
from schemas.introspect import list_fields, nested_fields, schema_digest
from schemas.results import ExtractedField, ExtractedValue, PageExtraction
from schemas.status import FailureKind, Status

RULES_VERSION = "6"
# Two different answers this close in confidence mean the document is ambiguous: say so.
_RIVAL_RATIO = 0.9
_RIVAL_PENALTY = 0.8
# Words that show a page talks about a field, so finding no value there is less certain.
_FIELD_CUES: dict[str, re.Pattern[str]] = {
    name: re.compile(pattern, re.I)
    for name, pattern in {
        "effective_date": r"effective\s+date|entered\s+into|made\s+(?:and|as|on|this)",
        "execution_date": r"witness|executed|signature",
        "expiration_date": r"expir|terminat\w*\s+on",
        "term": r"\bterm\b",
        "auto_renewal": r"renew",
        "renewal_term": r"renew",
        "termination_notice_days": r"terminat\w*",
        "governing_law": r"governing\s+law|governed",
        "contract_value": r"[$£€]|\b(?:USD|EUR|GBP)\b|total\s+fee|price",
        "payment_terms_days": r"invoice|payable|payment",
        "parties": r"between|whereas",
        "signatories": r"\bBy:|Name:",
    }.items()
}


class RulesEngine(ExtractionEngine):
    """Rules for contracts: it refuses any other schema rather than answer it badly."""

    def __init__(
        self, schema: type[BaseModel] = ContractFields, clauses: ClauseClassifier | None = None
    ) -> None:
        """`clauses`: the clause classifier (None: the one packaged with Abstractor)."""
        if schema is not ContractFields:
            raise ValueError(
                "the rules engine reads contracts only (schemas.contract:ContractFields), "
                f"not {schema.__name__}; configure a VLM engine for other schemas"
            )
        super().__init__(schema)
        self.clauses = clauses or ClauseClassifier.load()
        self._version = f"rules-{RULES_VERSION}-{schema_digest(schema)}-{self.clauses.identity}"
        self._lists = list_fields(schema)
        self._value_fields = [name for name in schema.model_fields if name not in nested_fields(schema)]

    @property
    def name(self) -> str:
        return "rules"

    @property
    def version(self) -> str:
        return self._version

    async def extract_pages(self, pages: Sequence[PageInput]) -> list[PageExtraction]:
        try:
            return self.extract(pages)
        except Exception as error:  # a rule bug must fail the document's pages as data, not the stage
            message = f"rules engine failed: {type(error).__name__}: {error}"
            return [
                PageExtraction(
                    page=p.number,
                    status=Status.failed,
                    # The same rules fail the same way on the same page until the rules change.
                    failure=FailureKind.permanent,
                    engine=self.name,
                    model=self.version,
                    confidence=0.0,
                    errors=[message],
                )
                for p in pages
            ]

    def extract(self, pages: Sequence[PageInput]) -> list[PageExtraction]:
        """The synchronous work of extract_pages (CPU only)."""
        texts, injected = self.read(pages)
        chosen = self.choose(self.candidates(texts), texts)
        clauses = self.clauses.classify(texts)
        # An absent clause is the document's answer, not a page's: the first page read carries it.
        absent_home = texts[0].number if texts else 1
        return [
            self._page_result(
                text, chosen, _clause_fields(text.number, absent_home, clauses, self), injected[text.number]
            )
            for text in texts
        ]

    @staticmethod
    def read(pages: Sequence[PageInput]) -> tuple[list[PageText], dict[int, int]]:
        """The pages' text with instructions to automated readers blanked, and how many per page."""
        known = vocabulary([page.ocr for page in pages])
        texts = [PageText.from_ocr(page.number, page.ocr, known) for page in pages]
        injected: dict[int, int] = {}
        for text in texts:
            text.text, injected[text.number] = mask_instructions(text.text)
        return texts, injected

    @staticmethod
    def candidates(texts: list[PageText]) -> list[Candidate]:
        """Every value any rule read anywhere in the document."""
        day_first = bool(day_first_evidence("\n".join(t.text for t in texts)))
        found: list[Candidate] = []
        for text in texts:
            found += date_candidates(text, day_first=day_first)
            for rule in clauses.PAGE_RULES:
                found += rule(text)
        return found + document_candidates(texts, day_first=day_first)

    def choose(
        self, candidates: list[Candidate], texts: list[PageText]
    ) -> dict[str, list[tuple[Candidate, float]]]:
        """Per field, the values the document answers with, each with its confidence."""
        pages = {text.number: text for text in texts}
        by_field: dict[str, list[tuple[Candidate, float]]] = defaultdict(list)
        for candidate in candidates:
            value = _validated(candidate.field, candidate.value, candidate.field in self._lists)
            if value is None:
                continue
            text = pages[candidate.page]
            confidence = value_confidence(
                candidate.rule, text.confidence(candidate.start, candidate.end), candidate.field
            )
            by_field[candidate.field].append((_replace_value(candidate, value), confidence))
        chosen: dict[str, list[tuple[Candidate, float]]] = {}
        for field, scored in by_field.items():
            if field in self._lists:
                chosen[field] = scored[:8]
                continue
            # Most confident first; among equals, the earliest in the document (page, then position).
            scored.sort(key=lambda item: (-item[1], item[0].page, item[0].start))
            best, confidence = scored[0]
            rival = next((c for cand, c in scored[1:] if cand.value != best.value), 0.0)
            if rival >= _RIVAL_RATIO * confidence:
                confidence *= _RIVAL_PENALTY
            chosen[field] = [(best, round(confidence, 4))]
        return chosen

    def _page_result(
        self,
        text: PageText,
        chosen: dict[str, list[tuple[Candidate, float]]],
        fields: dict[str, ExtractedField],
        injections: int,
    ) -> PageExtraction:
        """`fields`: the clause answers this page carries; the value fields are added here."""
        for field in self._value_fields:
            items = [
                ExtractedValue(
                    value=candidate.value,
                    confidence=confidence,
                    evidence=text.evidence(candidate.start, candidate.end),
                    engine=self.name,
                    model=self.version,
                )
                for candidate, confidence in chosen.get(field, [])
                if candidate.page == text.number
            ]
            if items:
                fields[field] = ExtractedField(items=items, confidence=min(i.confidence for i in items))
            else:
                cue = _FIELD_CUES.get(field)
                cued = bool(cue and cue.search(text.text))
                fields[field] = ExtractedField(items=[], confidence=absent_confidence(field, cued))
        return PageExtraction(
            page=text.number,
            status=Status.needs_review if injections else Status.ok,
            engine=self.name,
            model=self.version,
            fields=fields,
            confidence=min(f.confidence for f in fields.values()),
            errors=[f"{injections} sentence(s) addressed to an automated reader were ignored"]
            if injections
            else [],
        )


def _clause_fields(
    page: int, absent_home: int, findings: dict[ClauseCategory, ClauseFinding], engine: ExtractionEngine
) -> dict[str, ExtractedField]:
    """The document's clause answers that this page carries: a present clause on its evidence's page,
    an absent one on `absent_home`. Unknown ones (categories the model does not predict) are left out."""
    fields: dict[str, ExtractedField] = {}
    for category, finding in findings.items():
        if finding.present is None:
            continue
        home = finding.evidence.page if finding.present and finding.evidence else absent_home
        if home != page:
            continue
        item = ExtractedValue(
            value=finding.present,
            confidence=finding.confidence,
            evidence=finding.evidence if finding.present else None,
            engine=engine.name,
            model=engine.version,
        )
        fields[f"clauses.{category.value}"] = ExtractedField(items=[item], confidence=finding.confidence)
    return fields


def _validated(field: str, value: Any, is_list: bool) -> Any:
    """The value in the schema's JSON form, or None when the schema rejects it."""
    payload = [value] if is_list else value
    try:
        model = ContractFields.model_validate({field: payload})
    except ValidationError:
        return None
    dumped = model.model_dump(mode="json")[field]
    return dumped[0] if isinstance(dumped, list) else dumped


def _replace_value(candidate: Candidate, value: Any) -> Candidate:
    return Candidate(candidate.field, value, candidate.page, candidate.start, candidate.end, candidate.rule)
