"""Training end to end on a few real dev contracts, then loading that artefact and classifying OCR pages."""

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
from pypdf import PdfReader

from extractors.clauses import ClauseClassifier
from extractors.clauses.fitting import group_folds, pick_threshold
from extractors.clauses.locate import DocumentKey, locate
from extractors.clauses.pdf_text import text_layer_pages
from extractors.engines.base import PageInput
from extractors.merge import merge_pages
from extractors.rules.engine import RulesEngine
from extractors.rules.text import PageText
from goldset.clause_dataset import DevRow, read_dev_rows
from goldset.clause_training import train
from goldset.cuad_split import read_split
from goldset.labels import document_path
from goldset.sets import NAMED
from schemas.clauses import ClauseCategory
from schemas.contract import ContractFields
from schemas.introspect import list_fields, presence_fields, values_from_extracted

CUAD = NAMED["cuad"]
CATEGORY = ClauseCategory.anti_assignment
Pages = Callable[..., list[PageInput]]


def _pages(row: DevRow) -> int:
    path = document_path(CUAD, row.document)
    assert path is not None
    return len(PdfReader(path).pages)


@dataclass
class Trained:
    json_path: Path
    card: dict
    documents: list[str]
    held_out: DevRow  # a dev contract with the clause that training did not see


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory) -> Trained:
    """Six short dev contracts, four with an Anti-Assignment clause and two without, trained in ~20 s."""
    rows = sorted(read_dev_rows(CUAD), key=lambda r: (_pages(r), r.document))
    has = [r for r in rows if r.answers[CATEGORY]]
    lacks = [r for r in rows if not r.answers[CATEGORY]]
    chosen = [r.document for r in has[:4] + lacks[:2]]
    out = tmp_path_factory.mktemp("clauses") / "small.json"
    card = train(CUAD, out, only=set(chosen), folds=3, min_positives=2, progress=False)
    return Trained(out, card, chosen, has[4])


def _as_ocr_page(text: str) -> list[str]:
    """A text-layer page as OCR lines (one line each, blank lines kept as paragraph breaks)."""
    return [" ".join(line.split()) for line in text.splitlines()]


def test_training_reads_only_the_chosen_dev_documents_and_records_what_it_read(trained: Trained) -> None:
    card = trained.card
    split = read_split(CUAD)
    assert all(split[name] == "dev" for name in trained.documents)
    assert card["training"]["split"] == "dev"
    assert card["training"]["documents"] == card["training"]["dev_rows"] == 6
    assert len(card["training"]["data_sha256"]) == 64
    located = card["training"]["clause_texts"]
    assert located["texts"] > 0 and located["located"] == located["texts"]
    assert card["categories"][CATEGORY.value]["predicted"] is True
    assert card["categories"][CATEGORY.value]["dev_positives"] == 4
    # A category none of the six has is recorded as not predicted, with the reason.
    never = next(entry for entry in card["categories"].values() if entry["dev_positives"] == 0)
    assert never["predicted"] is False and "fewer than 2" in never["reason"]
    on_disk = json.loads(trained.json_path.read_text())
    assert on_disk["weights_sha256"] and trained.json_path.with_suffix(".npz").stat().st_size < 100_000


def test_a_page_with_the_clause_scores_higher_than_the_contracts_other_pages(
    trained: Trained, make_pages: Pages
) -> None:
    """The held-out contract's page holding its Anti-Assignment text, against its other pages, read as OCR."""
    row = trained.held_out
    path = document_path(CUAD, row.document)
    assert path is not None
    texts = text_layer_pages(path)
    doc = DocumentKey.from_pages(list(enumerate(texts, start=1)))
    located = locate(row.texts[CATEGORY][0], doc)
    clause_pages = {doc.words[first][0] for first, _ in located.ranges}
    pages, _ = RulesEngine.read(make_pages(*[_as_ocr_page(t) for t in texts]))
    classifier = ClauseClassifier.load(trained.json_path)
    by_page = {page.number: classifier.classify([page])[CATEGORY].probability for page in pages if page.text}
    best_clause_page = max(by_page[n] for n in clause_pages)
    others = [p for n, p in by_page.items() if n not in clause_pages]
    assert others and best_clause_page > float(np.median(others))

    findings = classifier.classify(pages)
    finding = findings[CATEGORY]
    assert finding.evidence is not None and finding.evidence.page in clause_pages
    assert finding.evidence.bbox is not None
    page = next(p for p in pages if p.number == finding.evidence.page)
    assert 0 <= finding.evidence.bbox.x0 < finding.evidence.bbox.x1
    assert finding.evidence.bbox.y1 <= page.height
    # A category the six contracts never show is unknown, not absent.
    unknown = next(c for c in ClauseCategory if not trained.card["categories"][c.value]["predicted"])
    assert findings[unknown].present is None and findings[unknown].evidence is None


def test_no_pages_means_every_answer_is_unknown(trained: Trained) -> None:
    classifier = ClauseClassifier.load(trained.json_path)
    empty = PageText(number=1, width=100, height=100, words=[])
    findings = classifier.classify([empty])
    assert len(findings) == len(ClauseCategory)
    assert all(f.present is None for f in findings.values())


def test_the_threshold_maximises_document_f1_and_folds_keep_groups_together() -> None:
    scores = np.array([0.9, 0.8, 0.7, 0.2, 0.1])
    truth = np.array([True, True, False, True, False])
    threshold, best = pick_threshold(scores, truth)
    assert 0.1 < threshold < 0.2 and best.tp == 3 and best.fp == 1
    folds = group_folds(["a", "a", "b", "c", "c", "c", "d"], 2)
    assert folds[0] == folds[1] and folds[3] == folds[4] == folds[5]
    assert sorted(np.bincount(folds).tolist()) == [3, 4]


def test_the_rules_engine_reports_each_clause_once_present_on_its_page_absent_on_the_first(
    trained: Trained, make_pages: Pages
) -> None:
    row = trained.held_out
    path = document_path(CUAD, row.document)
    assert path is not None
    inputs = make_pages(*[_as_ocr_page(t) for t in text_layer_pages(path)])
    engine = RulesEngine(clauses=ClauseClassifier.load(trained.json_path))
    results = engine.extract(inputs)
    findings = engine.clauses.classify(engine.read(inputs)[0])
    for category, finding in findings.items():
        path_name = f"clauses.{category.value}"
        carriers = [r.page for r in results if path_name in r.fields]
        if finding.present is None:
            assert carriers == []  # unknown: no page answers
            continue
        assert finding.evidence is not None
        home = finding.evidence.page if finding.present else results[0].page
        assert carriers == [home]
        (item,) = next(r for r in results if r.page == home).fields[path_name].items
        assert item.value is finding.present and 0.0 < item.confidence < 1.0
        assert (item.evidence is not None) is finding.present
    presence = presence_fields(ContractFields)
    merged = merge_pages(results, list_fields(ContractFields), presence_fields=presence)
    values = values_from_extracted(merged.fields, ContractFields)
    assert getattr(values.clauses, CATEGORY.value) is findings[CATEGORY].present
    unknown = next(c for c in ClauseCategory if findings[c].present is None)
    assert getattr(values.clauses, unknown.value) is None
    assert engine.clauses.identity in engine.version
