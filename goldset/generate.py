"""Generate the synthetic golden set: clean text PDFs and their labels.

    python -m goldset.generate --seed 7 --out goldset/data [--count 100]

Deterministic: document i depends only on (seed, i), so the same seed gives the same bytes and labels.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from goldset.compose import compose
from goldset.labels import DOCUMENTS_DIR, GoldDocument, write_labels
from goldset.pdf import render_to_budget

DEFAULT_SEED = 7
DEFAULT_COUNT = 100


def generate(out_dir: Path | str, seed: int = DEFAULT_SEED, count: int = DEFAULT_COUNT) -> list[GoldDocument]:
    """Write `count` documents and labels.jsonl under out_dir; stale PDFs there are removed."""
    root = Path(out_dir)
    documents = root / DOCUMENTS_DIR
    documents.mkdir(parents=True, exist_ok=True)
    gold: list[GoldDocument] = []
    for index in range(count):
        draft = compose(index, seed)
        pdf, _pages = render_to_budget(draft)
        (documents / draft.name).write_bytes(pdf)
        gold.append(GoldDocument(document=draft.name, split=draft.split, fields=draft.fields))
    keep = {g.document for g in gold}
    for stale in documents.glob("*.pdf"):
        if stale.name not in keep:
            stale.unlink()
    write_labels(root, gold)
    return gold


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m goldset.generate", description=__doc__.split("\n")[0])
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--out", type=Path, default=Path("goldset/data"))
    parser.add_argument("--count", type=int, default=DEFAULT_COUNT)
    args = parser.parse_args(argv)
    gold = generate(args.out, args.seed, args.count)
    print(f"wrote {len(gold)} documents to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
