"""The generator: deterministic, varied, and honest (labelled values really are on the pages)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from pypdf import PdfReader

from goldset.compose import compose
from goldset.generate import DEFAULT_SEED, generate
from goldset.generate import main as generate_main
from goldset.jurisdictions import alias_key, aliases_of
from goldset.labels import GoldDocument, goldset_hash, load_goldset
from goldset.spelling import write_date
from goldset.templates import DEV_POOL, TEST_POOL, TUNING_POOLS, test_templates_hash
from goldset.templates.pool import PhrasingPool

DATA = Path(__file__).resolve().parents[2] / "goldset" / "data"
HASH_FILE = Path(__file__).resolve().parents[2] / "goldset" / "TEST_TEMPLATES.sha256"
ALL_DATE_FORMATS = DEV_POOL.date_formats + TEST_POOL.date_formats


def _text(path: Path) -> str:
    return " ".join(" ".join(page.extract_text() or "" for page in PdfReader(path).pages).split())


def test_same_seed_same_bytes_and_labels_as_committed(tmp_path: Path) -> None:
    """Document i depends only on (seed, i): regenerating a prefix reproduces the committed files."""
    generate(tmp_path / "a", seed=DEFAULT_SEED, count=4)
    generate(tmp_path / "b", seed=DEFAULT_SEED, count=4)
    committed = load_goldset(DATA)[:4]
    for doc in committed:
        fresh = (tmp_path / "a" / "documents" / doc.document).read_bytes()
        assert fresh == (tmp_path / "b" / "documents" / doc.document).read_bytes()
        assert fresh == (DATA / "documents" / doc.document).read_bytes()
    assert [d.fields for d in load_goldset(tmp_path / "a")] == [d.fields for d in committed]
    assert goldset_hash(tmp_path / "a") == goldset_hash(tmp_path / "b")


def test_other_seed_differs() -> None:
    assert compose(0, DEFAULT_SEED).fields != compose(0, DEFAULT_SEED + 1).fields


def test_variety(gold: list[GoldDocument]) -> None:
    assert len(gold) >= 80
    assert len({d.fields.contract_type for d in gold}) >= 6
    assert {d.split for d in gold} == {"dev", "test"}
    pages = [len(PdfReader(d.path).pages) for d in gold if d.path]
    assert min(pages) == 1 and max(pages) <= 15 and max(pages) >= 12
    assert sum(p.stat().st_size for p in DATA.rglob("*")) < 8 * 1024 * 1024


def _strings(pool: PhrasingPool) -> set[str]:
    out: set[str] = set()
    for value in vars(pool).values():
        for item in value.values() if isinstance(value, dict) else [value]:
            out |= set(item)
    return out


def test_test_templates_disjoint_from_dev_and_hash_recorded() -> None:
    assert not _strings(DEV_POOL) & _strings(TEST_POOL)
    assert HASH_FILE.read_text().strip() == test_templates_hash()


def test_splits_use_their_own_pool(gold: list[GoldDocument]) -> None:
    layouts = {split: {compose(i, DEFAULT_SEED).layout for i, d in enumerate(gold) if d.split == split}
               for split in ("dev", "test")}  # fmt: skip
    assert layouts["dev"] <= set(DEV_POOL.layouts)
    assert layouts["test"] <= set(TEST_POOL.layouts)


def test_labelled_values_are_on_the_pages(gold: list[GoldDocument]) -> None:
    counts: Counter[str] = Counter()
    for doc in gold:
        assert doc.path is not None
        text = _text(doc.path)
        for party in doc.fields.parties:
            assert party.name in text, (doc.document, party.name)
        for signatory in doc.fields.signatories:
            assert signatory.name in text, (doc.document, signatory.name)
        for name in ("effective_date", "execution_date", "expiration_date"):
            date = getattr(doc.fields, name)
            if date is not None:
                assert any(write_date(date, f) in text for f in ALL_DATE_FORMATS), (doc.document, name, date)
                counts[name] += 1
        if doc.fields.governing_law:
            key = f" {alias_key(text)} "
            assert any(f" {a} " in key for a in aliases_of(doc.fields.governing_law)), doc.document
            counts["governing_law"] += 1
    assert counts["governing_law"] > 50 and counts["effective_date"] == len(gold)


def test_a_tuning_pool_writes_dev_documents_in_its_own_phrasing(tmp_path: Path) -> None:
    pool = TUNING_POOLS["signature-pages"]
    gold = generate(tmp_path, seed=11, count=3, pool=pool)
    assert {d.split for d in gold} == {"dev"}  # tuning data: never scored as test
    assert {compose(i, 11, pool).layout for i in range(3)} <= set(pool.layouts)
    assert [d.fields for d in load_goldset(tmp_path)] == [d.fields for d in gold]


def test_a_tuning_set_never_overwrites_the_golden_set() -> None:
    before = goldset_hash(DATA)
    with pytest.raises(SystemExit) as refused:
        generate_main(["--pool", "drafting", "--count", "1"])  # --out defaults to the golden set
    assert refused.value.code == 2
    assert goldset_hash(DATA) == before
