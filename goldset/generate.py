"""Generate the synthetic golden set: clean text PDFs and their labels.

    python -m goldset.generate --seed 7 --out goldset/data [--count 100]
    python -m goldset.generate --pool drafting --seed 777 --count 45 --out /tmp/tuning   # a tuning set

Deterministic: document i depends only on (seed, i), so the same seed gives the same bytes and labels.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from goldset.compose import compose
from goldset.labels import DOCUMENTS_DIR, GoldDocument, write_labels
from goldset.pdf import render_to_budget
from goldset.templates import TUNING_POOLS, PhrasingPool

GOLDSET_DIR = Path(__file__).resolve().parent / "data"
DEFAULT_SEED = 7
DEFAULT_COUNT = 100


def generate(
    out_dir: Path | str,
    seed: int = DEFAULT_SEED,
    count: int = DEFAULT_COUNT,
    pool: PhrasingPool | None = None,
) -> list[GoldDocument]:
    """Write `count` documents and labels.jsonl under out_dir; stale PDFs there are removed. With a tuning
    `pool`, every document is a "dev" document in that pool's phrasing."""
    root = Path(out_dir)
    documents = root / DOCUMENTS_DIR
    documents.mkdir(parents=True, exist_ok=True)
    gold: list[GoldDocument] = []
    for index in range(count):
        draft = compose(index, seed, pool)
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
    parser.add_argument("--out", type=Path, default=GOLDSET_DIR)
    parser.add_argument("--count", type=int, default=DEFAULT_COUNT)
    parser.add_argument(
        "--pool",
        choices=sorted(TUNING_POOLS),
        help="A tuning set in this pool's phrasing (never the golden set).",
    )
    args = parser.parse_args(argv)
    if args.pool and args.out.resolve() == GOLDSET_DIR.resolve():
        parser.error("--pool writes a tuning set, not the golden set: give it an --out of its own")
    gold = generate(args.out, args.seed, args.count, TUNING_POOLS[args.pool] if args.pool else None)
    print(f"wrote {len(gold)} documents to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
