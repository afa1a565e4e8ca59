"""The CUAD set's committed split: it matches its recorded hash, the labels and the seeded rule."""

from __future__ import annotations

import hashlib

from goldset.cuad_labels import CUAD_DIR
from goldset.cuad_split import HASH_FILE, SEED, SPLIT_FILE, filer, make_split, read_split
from goldset.labels import load_goldset


def test_the_split_file_matches_its_recorded_hash() -> None:
    digest = hashlib.sha256((CUAD_DIR / SPLIT_FILE).read_bytes()).hexdigest()
    assert (CUAD_DIR / HASH_FILE).read_text().strip() == digest


def test_the_labels_carry_the_recorded_split_made_by_the_seeded_rule() -> None:
    split = read_split(CUAD_DIR)
    gold = load_goldset(CUAD_DIR)
    assert {doc.document: doc.split for doc in gold} == split
    assert make_split(split, SEED) == split
    assert make_split(split, SEED + 1) != split
    dev = sum(side == "dev" for side in split.values())
    assert 0.63 <= dev / len(split) <= 0.70  # about two thirds


def test_no_filer_has_contracts_on_both_sides() -> None:
    sides: dict[str, set[str]] = {}
    for document, side in read_split(CUAD_DIR).items():
        sides.setdefault(filer(document), set()).add(side)
    assert all(len(found) == 1 for found in sides.values())
    assert filer("CardlyticsInc_20180112_S-1_EX-10.16_11002987_EX-10.16_Maintenance Agreement3.pdf") == (
        "CardlyticsInc"
    )
