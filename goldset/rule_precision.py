"""The dev harness: how often each rule of the embedded engine is right, measured on golden dev splits.

    python -m goldset.rule_precision [--goldset synthetic] [--goldset cuad] [--out PATH]

Every dev document (scanned, as `abstractor eval` scores it; OCR through the shared cache) is read by the
rules engine, and its answers are compared with the label as the scorer compares them
(goldset.field_match):

- per rule, the share of its answers that were right. A rule's answer to a scalar field is the value the
  document gets when that rule wins (the engine's choice among the rule's own candidates), counted
  whether it won or not, so a rule that loses to a stronger one today is measured as well; a rule's
  answers to a list field are its items in the merged record;
- per field, the share of the documents with nothing found where the label was empty too;
- per list field, the share of the documents it answered where no labelled element was missed.

Small samples: each figure is the mean of its Beta posterior, PRIOR_WEIGHT pseudo-answers at the
engine's default (confidence.DEFAULT_PRECISION / DEFAULT_ABSENT) added to the counts, so a rule seen
three times stays near the default and one seen 300 times keeps its own rate. Rules the dev split never
exercised are not written: confidence.py gives them the default.

Which signatory items reach the record depends on the figures (overlapping layout readers are resolved
by precision), so the figures are measured in rounds: the first with every rule at the default, each
next one with the figures of the round before, until they stop changing. A rule that has no answer in
a round keeps the tally of the round it last answered in (dropping it would put it back at the default,
where it would win and lose again in turn).

The file (extractors/rules/precision.json, loaded by confidence.py) records the counts beside each
figure, the sets and documents measured, their content hash and the engine version; it holds no time
stamp, so measuring the same code on the same data writes the same bytes.
"""

from __future__ import annotations

import argparse
import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from extractors.clauses import ClauseClassifier, ClauseFinding
from extractors.engines.base import PageInput
from extractors.merge import merge_pages
from extractors.rules.candidates import Candidate
from extractors.rules.confidence import (
    DEFAULT_ABSENT,
    DEFAULT_PRECISION,
    PRECISION_FILE,
    Measured,
    measured_as,
)
from extractors.rules.engine import RulesEngine
from extractors.rules.text import PageText
from goldset.field_match import LIST_RULES, NAME_MATCH, Counts, compare_field
from goldset.labels import GoldDocument, goldset_hash, load_goldset
from goldset.metrics import Metrics
from goldset.score import FIELD_NAMES, Prediction, prediction_from_extracted, score
from schemas.clauses import ClauseCategory
from schemas.contract import ContractFields
from schemas.introspect import list_fields, presence_fields
from schemas.results import ExtractedField

PRIOR_WEIGHT = 4.0  # pseudo-answers at the default that every measured figure starts from
# What each table's figures are smoothed towards: the engine's default for what the file does not name
# (completeness has none there, an unmeasured list counting as complete; it starts from the rules').
PRIORS = {"rules": DEFAULT_PRECISION, "absent": DEFAULT_ABSENT, "completeness": DEFAULT_PRECISION}
MAX_ROUNDS = 5
_LISTS = list_fields(ContractFields)
_PRESENCE = presence_fields(ContractFields)


@dataclass
class Tally:
    """How many answers (or documents) were right, of how many."""

    right: int = 0
    of: int = 0

    def add(self, right: bool) -> None:
        self.right += right
        self.of += 1

    def smoothed(self, prior: float) -> float:
        return round((self.right + PRIOR_WEIGHT * prior) / (self.of + PRIOR_WEIGHT), 4)


@dataclass
class Tallies:
    """The counts behind precision.json's three tables."""

    rules: defaultdict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    absent: defaultdict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    completeness: defaultdict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))

    def updated(self, latest: Tallies) -> Tallies:
        """These tallies with the latest round's over them; what the latest round did not observe keeps
        its earlier tally."""
        return Tallies(
            rules=defaultdict(Tally, {**self.rules, **latest.rules}),
            absent=defaultdict(Tally, {**self.absent, **latest.absent}),
            completeness=defaultdict(Tally, {**self.completeness, **latest.completeness}),
        )

    def figures(self) -> Measured:
        def table(kind: str) -> dict[str, float]:
            tallies: dict[str, Tally] = getattr(self, kind)
            return {key: tally.smoothed(PRIORS[kind]) for key, tally in sorted(tallies.items())}

        return Measured(rules=table("rules"), absent=table("absent"), completeness=table("completeness"))


@dataclass(frozen=True)
class DevDocument:
    goldset: str  # the set's name, for its own dev scores
    gold: GoldDocument
    pages: list[PageInput]


@dataclass(frozen=True)
class Measurement:
    tallies: Tallies
    figures: Measured
    rounds: int
    converged: bool
    metrics: dict[str, Metrics]  # per set, its dev scores with the last round's figures, as eval scores


def _identity(name: str, page: int, value: Any) -> tuple[str, int, str]:
    return name, page, json.dumps(value, sort_keys=True)


@dataclass(frozen=True)
class Reading:
    """What the rules engine made of one document."""

    record: dict[str, ExtractedField]  # the merged record, as the ingest stores it
    predicted: ContractFields  # the record's values, as the scorer reads them
    item_rules: dict[tuple[str, int, str], str]  # (field, page, value) of each chosen value -> its rule
    answers: dict[str, list[tuple[str, Any]]]  # scalar field -> (rule, the value it answers with)


def _read(engine: RulesEngine, pages: list[PageInput]) -> Reading:
    texts, _ = engine.read(pages)
    candidates = engine.candidates(texts)
    chosen = engine.choose(candidates, texts)
    item_rules = {
        _identity(name, candidate.page, candidate.value): candidate.rule
        for name, scored in chosen.items()
        for candidate, _ in scored
    }
    # A rule's answer is the value the document gets when the rule wins: the engine's choice among that
    # rule's candidates alone. Whether it won against the other rules depends on the figures; it is
    # measured either way, so a rule that loses today is measured too.
    own: defaultdict[str, list[Candidate]] = defaultdict(list)
    for candidate in candidates:
        own[candidate.rule].append(candidate)
    answers: defaultdict[str, list[tuple[str, Any]]] = defaultdict(list)
    for rule, found in sorted(own.items()):
        for name, scored in engine.choose(found, texts).items():
            if name not in _LISTS:
                answers[name].append((rule, scored[0][0].value))
    record = merge_pages(engine.extract(pages), _LISTS, presence_fields=_PRESENCE).fields
    predicted = prediction_from_extracted(record).fields
    return Reading(record, predicted, item_rules, answers)


def _typed(name: str, value: Any) -> Any:
    """A value in the schema's JSON form as the scorer sees it (a date, a Signatory, ...)."""
    typed = getattr(ContractFields.model_validate({name: [value] if name in _LISTS else value}), name)
    return typed[0] if name in _LISTS else typed


def paired(gold: list[Any], predicted: list[Any], similarity: Callable[[Any, Any], float]) -> set[int]:
    """The predicted elements that pair with a labelled one, paired as goldset.field_match.match_sets
    pairs them (one to one, most similar first, at NAME_MATCH or better)."""
    pairs = sorted(
        ((similarity(g, p), i, j) for i, g in enumerate(gold) for j, p in enumerate(predicted)),
        key=lambda t: (-t[0], t[1], t[2]),
    )
    used_gold: set[int] = set()
    used_predicted: set[int] = set()
    for similar, i, j in pairs:
        if similar < NAME_MATCH:
            break
        if i not in used_gold and j not in used_predicted:
            used_gold.add(i)
            used_predicted.add(j)
    return used_predicted


def tally_document(tallies: Tallies, gold: GoldDocument, reading: Reading) -> None:
    for name in FIELD_NAMES:
        if name in gold.unlabelled:
            continue
        truth = getattr(gold.fields, name)
        for rule, value in reading.answers.get(name, []):
            tallies.rules[rule].add(compare_field(name, truth, _typed(name, value)).tp == 1)
        predicted = getattr(reading.predicted, name)
        if predicted is None or predicted == []:
            # Nothing found. (A group of answers, such as the clauses, is a value even when empty.)
            tallies.absent[name].add(compare_field(name, truth, predicted) == Counts())
        elif name in _LISTS:
            items = reading.record[name].items
            rules = [reading.item_rules[_identity(name, item.evidence.page, item.value)] for item in items]
            right = paired(truth, [_typed(name, item.value) for item in items], LIST_RULES[name])
            for index, rule in enumerate(rules):
                tallies.rules[rule].add(index in right)
            tallies.completeness[name].add(len(right) == len(truth))


def _round(engine: RulesEngine, documents: Iterable[DevDocument]) -> tuple[Tallies, dict[str, Metrics]]:
    tallies = Tallies()
    predictions: dict[str, dict[str, Prediction]] = defaultdict(dict)
    gold: dict[str, list[GoldDocument]] = defaultdict(list)
    for document in documents:
        reading = _read(engine, document.pages)
        tally_document(tallies, document.gold, reading)
        prediction = prediction_from_extracted(reading.record, engine=engine.name)
        predictions[document.goldset][document.gold.document] = prediction
        gold[document.goldset].append(document.gold)
    return tallies, {name: score(predictions[name], gold[name], engine=engine.name) for name in gold}


class _NoClauses(ClauseClassifier):
    """The packaged clause classifier, asked nothing: this harness measures the rules, and the clause
    answers (learnt, with confidences of their own) would only cost minutes of embedding per round."""

    def classify(self, pages: Sequence[PageText]) -> dict[ClauseCategory, ClauseFinding]:
        return {}


def measure(documents: list[DevDocument], max_rounds: int = MAX_ROUNDS) -> Measurement:
    """Measure in rounds until the figures stop changing (or `max_rounds`; `converged` says which)."""
    engine = RulesEngine(clauses=_NoClauses.load())
    tallies = Tallies()
    figures = Measured()  # round 1: every rule at the default
    for number in range(1, max_rounds + 1):
        with measured_as(figures):
            latest, metrics = _round(engine, documents)
        tallies = tallies.updated(latest)
        measured = tallies.figures()
        if measured == figures or number == max_rounds:
            return Measurement(tallies, measured, number, measured == figures, metrics)
        figures = measured
    raise ValueError("max_rounds must be at least 1")


def precision_record(measurement: Measurement, measured_on: list[dict[str, Any]]) -> dict[str, Any]:
    """The precision file's content: each figure with the counts it was measured from."""

    def entries(kind: str) -> dict[str, dict[str, Any]]:
        tallies: dict[str, Tally] = getattr(measurement.tallies, kind)
        values: dict[str, float] = dict(getattr(measurement.figures, kind))
        return {
            key: {"right": tally.right, "of": tally.of, "value": values[key]}
            for key, tally in sorted(tallies.items())
        }

    return {
        "about": "Written by `python -m goldset.rule_precision`; read by extractors/rules/confidence.py.",
        "engine": RulesEngine().version,
        "measured_on": measured_on,
        "smoothing": {
            "method": "Beta posterior mean: (right + weight * prior) / (of + weight)",
            "weight": PRIOR_WEIGHT,
            "prior": PRIORS,
        },
        "rounds": measurement.rounds,
        "converged": measurement.converged,
        "rules": entries("rules"),
        "absent": entries("absent"),
        "completeness": entries("completeness"),
    }


def write_precision(path: Path, record: dict[str, Any]) -> None:
    path.write_text(json.dumps(record, indent=1, sort_keys=True) + "\n", encoding="utf-8")


def _dev_documents(name: str) -> tuple[list[DevDocument], dict[str, Any]]:
    """A shipped or external set's dev documents with their pages, as eval reads them, and their record."""
    from abstractor.settings import Settings  # the harness's face: the settings eval reads
    from extractors.ocr import OcrCache
    from goldset.page_reading import read_pages
    from goldset.scan import build_scans
    from goldset.sets import resolve_goldset

    settings = Settings()
    chosen = resolve_goldset(name)
    source = chosen.dir
    if chosen.default_variant == "scanned":
        scans = settings.data_home / "cache" / "goldset-scans"
        source = build_scans(chosen.dir, scans.resolve(), settings.goldset.scan_seed, split="dev")
    cache = OcrCache(settings.resolved_ocr_cache_dir)
    golds = load_goldset(source, split="dev")

    def read(gold: GoldDocument) -> DevDocument:
        assert gold.path is not None  # load_goldset raised otherwise
        return DevDocument(chosen.name, gold, read_pages(gold.path, settings.render, settings.ocr, cache))

    # Pages not in the OCR cache yet are read as the ingest reads them, one document per CPU-stage worker
    # (tesseract runs in its own process, so threads keep every core busy).
    with ThreadPoolExecutor(max_workers=settings.ingest.workers) as pool:
        documents = list(pool.map(read, golds))
    record = {
        "goldset": chosen.name,
        "split": "dev",
        "variant": chosen.default_variant,
        "scan_seed": settings.goldset.scan_seed,
        "documents": len(documents),
        "goldset_hash": goldset_hash(chosen.dir),
    }
    return documents, record


def _figure(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m goldset.rule_precision", description=__doc__.split("\n")[0]
    )
    parser.add_argument(
        "--goldset", action="append", help="synthetic (default), cuad or a folder; repeatable"
    )
    parser.add_argument("--out", type=Path, default=PRECISION_FILE)
    parser.add_argument("--max-rounds", type=int, default=MAX_ROUNDS)
    args = parser.parse_args(argv)
    documents: list[DevDocument] = []
    measured_on = []
    for name in args.goldset or ["synthetic"]:
        found, record = _dev_documents(name)
        documents += found
        measured_on.append(record)
    measurement = measure(documents, args.max_rounds)
    write_precision(args.out, precision_record(measurement, measured_on))
    for name, metrics in measurement.metrics.items():
        print(f"{name} dev: micro F1 {_figure(metrics.micro_f1)}, macro F1 {_figure(metrics.macro_f1)}")
        for field_name, counts in sorted(metrics.fields.items()):
            if counts.f1 is not None:
                print(
                    f"  {field_name:24} F1 {counts.f1:.3f} tp {counts.tp:4} fp {counts.fp:4} fn {counts.fn:4}"
                )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
