"""Finding the clause texts CUAD's lawyers marked in a document's text."""

from extractors.clauses.chunks import Chunking, word_spans
from extractors.clauses.locate import DocumentKey, key, locate
from extractors.clauses.pdf_text import has_text_layer, text_layer_pages
from goldset.clause_dataset import CATEGORIES, NEGATIVE, POSITIVE, UNUSED, build_document, read_dev_rows
from goldset.cuad_split import read_split
from goldset.labels import document_path
from goldset.sets import NAMED
from schemas.clauses import ClauseCategory

CUAD = NAMED["cuad"]


def _words(doc: DocumentKey, pages: dict[int, str], first: int, last: int) -> str:
    out = []
    for page, index in doc.words[first:last]:
        start, end = word_spans(pages[page])[index]
        out.append(pages[page][start:end])
    return " ".join(out)


def test_the_key_ignores_case_quotes_punctuation_and_line_breaks() -> None:
    assert key("“Licensee” shall NOT\nassign-") == key('"licensee" shall not assign')
    assert key("ﬁfty (50) days") == key("fifty 50 days")


def test_a_text_is_found_across_a_page_break_and_a_line_end_hyphen() -> None:
    pages = [
        (1, "1. Assignment. Neither party may\nassign or trans-\nfer this Agreement"),
        (2, "without the prior written consent of the other party.\n\n2. Notices."),
    ]
    doc = DocumentKey.from_pages(pages)
    found = locate(
        "Neither party may assign or transfer this Agreement without the prior written consent", doc
    )
    assert found.complete
    ((first, last),) = found.ranges
    assert _words(doc, dict(pages), first, last).startswith("Neither party may assign or trans- fer")
    assert doc.page_ranges(first, last) == {1: (2, 11), 2: (0, 5)}


def test_pieces_joined_by_omitted_are_found_one_by_one() -> None:
    pages = [(1, "Licensee may not sublicense the rights. Other words here. Nor may it transfer them.")]
    doc = DocumentKey.from_pages(pages)
    found = locate("Licensee may not sublicense the rights.<omitted>Nor may it transfer them.", doc)
    assert (found.pieces, found.found, len(found.ranges)) == (2, 2, 2)
    assert not locate("The Agreement renews automatically each year.", doc).located


def test_a_text_with_a_few_differing_characters_is_found_fuzzily() -> None:
    clause = (
        "In each and every calendar year of this Agreement, Consultant shall achieve a satisfactory record "
        "of play in a minimum of professional golf association events"
    )
    page = (
        "Preamble. " + clause.replace("in a minimum", "in a a minimum").replace("record", "rec ord") + " End."
    )
    doc = DocumentKey.from_pages([(1, page)])
    found = locate(clause, doc)
    assert found.complete
    ((first, last),) = found.ranges
    assert _words(doc, {1: page}, first, last).startswith("In each and every")


def test_the_marked_texts_of_real_dev_contracts_are_found_in_their_text_layer() -> None:
    rows = [row for row in read_dev_rows(CUAD) if sum(map(len, row.texts.values())) >= 5][:2]
    split = read_split(CUAD)
    assert len(rows) == 2
    assert all(split[row.document] == "dev" for row in rows)
    for row in rows:
        path = document_path(CUAD, row.document)
        assert path is not None
        pages = dict(enumerate(text_layer_pages(path), start=1))
        assert has_text_layer(list(pages.values()))
        doc = DocumentKey.from_pages(list(pages.items()))
        for texts in row.texts.values():
            for text in texts:
                found = locate(text, doc)
                assert found.located, (row.document, text[:80])
                first, last = found.ranges[0]
                located_words = _words(doc, pages, first, last)
                # The located words hold the marked text (its first piece), keyed alike.
                assert key(text.split("<omitted>")[0])[:40] in key(located_words)


def test_windows_over_a_located_text_are_positive_and_the_rest_negative() -> None:
    row = next(r for r in read_dev_rows(CUAD) if r.answers.get(ClauseCategory.anti_assignment))
    path = document_path(CUAD, row.document)
    assert path is not None
    pages = list(enumerate(text_layer_pages(path), start=1))
    document = build_document(row, pages, Chunking())
    column = CATEGORIES.index(ClauseCategory.anti_assignment)
    labels = document.labels[:, column]
    assert document.answers[column]
    assert set(labels.tolist()) <= {POSITIVE, NEGATIVE, UNUSED}
    positive = [document.chunks[i] for i in range(len(labels)) if labels[i] == POSITIVE]
    assert positive
    assert sum(labels == NEGATIVE) > 5 * len(positive)  # a clause is a few windows of a contract
    marked = key(row.texts[ClauseCategory.anti_assignment][0].split("<omitted>")[0])
    assert any(marked[:30] in key(chunk.text) for chunk in positive)
    # A category the contract does not have labels every window negative.
    absent = next(i for i, c in enumerate(CATEGORIES) if not document.answers[i])
    assert set(document.labels[:, absent].tolist()) == {NEGATIVE}
