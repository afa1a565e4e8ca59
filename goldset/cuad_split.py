"""The CUAD golden set's fixed dev/test split: seeded, by filer, recorded in a committed file and its hash.

    goldset/cuad/split.tsv       "<split>\\t<document>" per line, sorted by document
    goldset/cuad/SPLIT.sha256    sha256 of split.tsv; tests check that the two agree

A filer's contracts stay on one side: they share parties and often a template, so a filer on both sides
would let dev tell an engine what test holds. The filer is CUAD's file-name prefix before the first "_"
(EDGAR's company name, "CardlyticsInc_20180112_S-1_EX-10.16_..."), or the whole stem for the few names
without one. The filers, sorted and then shuffled with SEED, are dealt to dev until DEV_SHARE of the
documents are there; the rest are test.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Iterable, Mapping
from pathlib import Path

from goldset.labels import Split

SEED = 12  # issue 12, where the set was introduced
DEV_SHARE = 2 / 3
SPLIT_FILE = "split.tsv"
HASH_FILE = "SPLIT.sha256"


def filer(document: str) -> str:
    return Path(document).stem.split("_", 1)[0]


def make_split(documents: Iterable[str], seed: int = SEED) -> dict[str, Split]:
    by_filer: dict[str, list[str]] = {}
    for document in sorted(documents):
        by_filer.setdefault(filer(document), []).append(document)
    filers = sorted(by_filer)
    random.Random(seed).shuffle(filers)
    target = round(DEV_SHARE * sum(len(group) for group in by_filer.values()))
    split: dict[str, Split] = {}
    dev = 0
    for name in filers:
        side: Split = "dev" if dev < target else "test"
        dev += len(by_filer[name]) if side == "dev" else 0
        split.update(dict.fromkeys(by_filer[name], side))
    return split


def split_text(split: Mapping[str, Split]) -> str:
    return "".join(f"{split[document]}\t{document}\n" for document in sorted(split))


def write_split(folder: Path, split: Mapping[str, Split]) -> None:
    text = split_text(split)
    (folder / SPLIT_FILE).write_text(text, encoding="utf-8")
    (folder / HASH_FILE).write_text(hashlib.sha256(text.encode()).hexdigest() + "\n", encoding="utf-8")


def read_split(folder: Path) -> dict[str, Split]:
    split: dict[str, Split] = {}
    for line in (folder / SPLIT_FILE).read_text(encoding="utf-8").splitlines():
        side, document = line.split("\t")
        if side not in ("dev", "test"):
            raise ValueError(f"{folder / SPLIT_FILE}: {side!r} is not dev or test")
        split[document] = "dev" if side == "dev" else "test"
    return split
