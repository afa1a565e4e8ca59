"""The CUAD query set: the shipped file against the labels and the split, and the page locator."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from reportlab.lib.pagesizes import LETTER
from reportlab.pdfgen.canvas import Canvas

from goldset.clause_pages import ANSWER_GRADE, PART_GRADE, clause_pages, page_shingles, shingles
from goldset.cuad_labels import CUAD_DIR
from goldset.cuad_queries import MIN_RELEVANT, PHRASINGS, UNANSWERABLE, build, write_queries
from goldset.cuad_split import SPLIT_FILE, read_split, write_split
from goldset.labels import ClauseLabel, GoldDocument, load_goldset, write_labels
from goldset.queries import QUERIES_FILE, SearchQuery, load_queries
from schemas.clauses import CUAD_NAMES, ClauseCategory
from schemas.contract import SCHEMA_VERSION, ContractFields


@pytest.fixture(scope="module")
def queries() -> list[SearchQuery]:
    return load_queries(CUAD_DIR / QUERIES_FILE)


@pytest.fixture(scope="module")
def cuad() -> list[GoldDocument]:
    return load_goldset(CUAD_DIR)


def _having(cuad: list[GoldDocument], split: str, category: str) -> set[str]:
    return {d.document for d in cuad if d.split == split and getattr(d.fields.clauses, category) is True}


def test_the_shipped_set_has_two_queries_per_category_and_six_unanswerable_per_split(queries, cuad) -> None:
    for split in ("dev", "test"):
        mine = [q for q in queries if q.split == split]
        assert sum(not q.answerable for q in mine) == 6
        for category in ClauseCategory:
            count = sum(q.category == category.value for q in mine)
            enough = len(_having(cuad, split, category.value)) >= MIN_RELEVANT
            assert count == (2 if enough else 0), (split, category)


def test_relevant_documents_are_exactly_the_split_s_contracts_with_the_clause(queries, cuad) -> None:
    split = read_split(CUAD_DIR)
    for query in queries:
        named = {r.document for r in query.relevant}
        assert all(split[name] == query.split for name in named), query.id
        if query.category is not None:
            assert named == _having(cuad, query.split, query.category), query.id
    # The labels' split is split.tsv's, so the checks above agree whichever one is read.
    assert all(split[d.document] == d.split for d in cuad)


def test_unanswerable_queries_name_nothing(queries) -> None:
    unanswerable = [q for q in queries if not q.answerable]
    assert {q.text for q in unanswerable} == {t for texts in UNANSWERABLE.values() for t in texts}
    assert all(q.category is None for q in unanswerable)


def test_almost_every_relevant_document_has_its_pages(queries) -> None:
    relevant = [r for q in queries for r in q.relevant]
    with_answer_page = [r for r in relevant if any(p.grade == ANSWER_GRADE for p in r.pages)]
    assert len(with_answer_page) >= 0.95 * len(relevant)


def _words(text: str) -> set[str]:
    return set(re.findall(r"[a-z]+", text.casefold()))


def test_test_phrasings_are_other_words_than_dev_s() -> None:
    assert set(PHRASINGS) == set(ClauseCategory)
    for category, (dev, test) in PHRASINGS.items():
        assert len({*dev, *test}) == 4, category
        for new in test:
            for old in dev:
                shared = _words(new) & _words(old)
                assert len(shared) <= 0.5 * len(_words(new)), (category, new, old)
        name = category.value.replace("_", " ")
        assert all(text.casefold() != name for text in (*dev, *test)), category


SENTENCE = "The Distributor may terminate this Agreement at any time upon ninety days written notice"


def _pdf(path: Path, pages: list[list[str]]) -> Path:
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=LETTER)
    for lines in pages:
        for number, line in enumerate(lines):
            canvas.drawString(72, 720 - 16 * number, line)
        canvas.showPage()
    canvas.save()
    path.write_bytes(buffer.getvalue())
    return path


FILLER = [
    "Each party shall keep the other's confidential information secret.",
    "Invoices are payable in USD.",
]


def test_the_locator_finds_a_sentence_on_its_page(tmp_path) -> None:
    half = len(SENTENCE) // 2
    pdf = _pdf(tmp_path / "a.pdf", [FILLER, [*FILLER, SENTENCE[:half], SENTENCE[half:]], FILLER])
    pages = page_shingles(pdf)
    assert len(pages) == 3
    # Typography and a different line break are no obstacle: quotes, case and punctuation fold away.
    assert clause_pages(f"“{SENTENCE.upper()}.”", pages) == {2: ANSWER_GRADE}
    assert clause_pages("Royalties accrue quarterly on all net sales of the Licensed Products", pages) == {}


def _run(first: int, last: int) -> str:
    return " ".join(f"w{i}" for i in range(first, last))


def test_a_clause_over_a_page_break_grades_the_page_with_most_of_it_2_and_the_other_1() -> None:
    clause = _run(0, 40)  # 36 shingles; the 4 that straddle a page break are on neither page
    unrelated = shingles("nothing of the clause is on this page at all")
    # 22 shingles on page 2 (0.61), 10 on page 3 (0.28)
    assert clause_pages(clause, [unrelated, shingles(_run(0, 26)), shingles(_run(26, 40))]) == {
        2: ANSWER_GRADE,
        3: PART_GRADE,
    }
    # 32 on page 2, 0 whole on page 3 (its 4 words make no shingle of the clause's): page 3 gets nothing
    assert clause_pages(clause, [shingles(_run(0, 36)), shingles(_run(36, 40))]) == {1: ANSWER_GRADE}
    # Split evenly, neither page holds half (16 of 36 each): both hold part of it
    assert clause_pages(clause, [shingles(_run(0, 20)), shingles(_run(20, 40))]) == {
        1: PART_GRADE,
        2: PART_GRADE,
    }


def test_pieces_cuad_joins_with_omitted_are_located_apart() -> None:
    pages = [shingles(_run(0, 6)), shingles(_run(100, 106))]
    # 2 shingles per piece and none across the join: half on each page, the first page wins the tie
    assert clause_pages(f"{_run(0, 6)} <omitted> {_run(100, 106)}", pages) == {1: ANSWER_GRADE, 2: PART_GRADE}
    assert clause_pages("Licensee <omitted> Licensor", [shingles("Licensee and Licensor")]) == {}


def test_the_builder_on_a_small_set(tmp_path) -> None:
    (tmp_path / "documents").mkdir()
    category = ClauseCategory.termination_for_convenience
    docs = []
    for n, side in enumerate(["dev", "dev", "dev", "test"]):
        name = f"c{n}.pdf"
        _pdf(tmp_path / "documents" / name, [FILLER, [SENTENCE]])
        clauses = {CUAD_NAMES[category]: ClauseLabel(answer=True, texts=[SENTENCE])}
        docs.append(
            GoldDocument(
                document=name,
                split=side,
                schema_version=SCHEMA_VERSION,
                fields=ContractFields.model_validate({"clauses": {category.value: True}}),
                clauses=clauses,
            )
        )
    write_labels(tmp_path, docs)
    write_split(tmp_path, {d.document: d.split for d in docs})
    built, summary = build(tmp_path)
    write_queries(tmp_path / QUERIES_FILE, built)
    loaded = load_queries(tmp_path / QUERIES_FILE)
    assert loaded == built
    category_queries = [q for q in loaded if q.category is not None]
    assert [q.id for q in category_queries] == [f"dev-{category.value}-1", f"dev-{category.value}-2"]
    assert [q.text for q in category_queries] == list(PHRASINGS[category][0])
    assert category_queries[0].page_grades() == {f"c{n}.pdf#2": ANSWER_GRADE for n in range(3)}
    assert f"{category.value} (1)" in summary.skipped["test"]  # one test contract: below MIN_RELEVANT
    assert (summary.texts, summary.located, summary.unlocated_documents) == (3, 3, 0)
    assert (tmp_path / SPLIT_FILE).is_file()
