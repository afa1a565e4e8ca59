"""Visual search benchmark on the embedded index: latency, recall@10 against exact MaxSim, size, reopen.

    .venv/bin/python bench/search.py --pages 2000          # quick
    .venv/bin/python bench/search.py --pages 20000         # the target size (~3.6 GB of float16 on disk)

Synthetic ColQwen-shaped pages: (tokens, 128) unit vectors on a rows x cols patch grid. Each page mixes a
topic with a few regions (bands of rows), so tokens cluster the way real page tokens do and row/column
pooling keeps information. The ground truth lives in a float16 np.memmap (float32 would be 7 GB at 20k).
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path

import numpy as np

from retrieval.embedders.pooling import pool_rows_cols
from retrieval.index import IndexConfig, IndexFilter, PagePoint, PageQuery, open_index, page_point_id
from retrieval.index.base import PAGE, VISUAL

DIM, ROWS, COLS, REGIONS = 128, 25, 28, 8  # 700 image tokens per page, like an A4 page under ColQwen2.5
ACL = IndexFilter(matters=["bench"])


def unit(x: np.ndarray) -> np.ndarray:
    return x / np.linalg.norm(x, axis=-1, keepdims=True)


def make_pages(store: np.memmap, topics: np.ndarray, rng: np.random.Generator) -> None:
    region_of_row = np.arange(ROWS) * REGIONS // ROWS  # (rows,)
    for start in range(0, store.shape[0], 500):
        n = min(500, store.shape[0] - start)
        topic = topics[rng.integers(0, len(topics), n)]  # (n, dim)
        regions = unit(topic[:, None, :] + 0.8 * rng.standard_normal((n, REGIONS, DIM)) / np.sqrt(DIM) * 4)
        centres = np.repeat(regions[:, region_of_row], COLS, axis=1)  # (n, rows * cols, dim)
        noise = rng.standard_normal(centres.shape, dtype=np.float32) / np.sqrt(DIM) * 1.2
        store[start : start + n] = unit(centres + noise).astype(np.float16)


def make_queries(store: np.memmap, count: int, tokens: int, rng: np.random.Generator) -> list[np.ndarray]:
    queries = []
    for page in rng.integers(0, store.shape[0], count):  # a query paraphrases some tokens of one page
        picked = np.asarray(store[page][rng.choice(store.shape[1], tokens, replace=False)], np.float32)
        queries.append(
            unit(picked + rng.standard_normal(picked.shape) / np.sqrt(DIM) * 1.5).astype(np.float32)
        )
    return queries


def exact_scores(store: np.memmap, queries: list[np.ndarray], chunk: int = 1000) -> np.ndarray:
    """MaxSim of every query against every page, one pass over the pages: (queries, pages)."""
    stacked = np.concatenate(queries)  # (queries * q_tokens, dim)
    bounds = np.cumsum([0] + [len(q) for q in queries])
    scores = np.empty((len(queries), store.shape[0]), np.float32)
    for start in range(0, store.shape[0], chunk):
        pages = np.asarray(store[start : start + chunk], np.float32)  # (chunk, tokens, dim)
        sims = (pages @ stacked.T).max(axis=1)  # (chunk, queries * q_tokens)
        for i in range(len(queries)):
            scores[i, start : start + chunk] = sims[:, bounds[i] : bounds[i + 1]].sum(axis=1)
    return scores


def load_index(config: IndexConfig, store: np.memmap) -> float:
    started = time.perf_counter()
    with open_index(config) as index:
        for start in range(0, store.shape[0], 200):
            batch = np.asarray(store[start : start + 200], np.float32)  # (200, tokens, dim)
            index.upsert(
                [
                    PagePoint(
                        id=page_point_id("bench", f"{start + i:064x}", 1),
                        multivector=page,
                        pooled=pool_rows_cols(page, (ROWS, COLS)),  # (rows + cols, dim)
                        payload={
                            "document_id": f"doc-{start + i}",
                            "page": 1,
                            "matter": "bench",
                            "kind": PAGE,
                        },
                    )
                    for i, page in enumerate(batch)
                ]
            )
        index.optimize()  # type: ignore[attr-defined]
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--pages", type=int, default=20_000)
    parser.add_argument("--queries", type=int, default=50)
    parser.add_argument("--query-tokens", type=int, default=20)
    parser.add_argument(
        "--exact-timed", type=int, default=3, help="queries timed one by one for exact search"
    )
    parser.add_argument(
        "--prefetch", type=int, nargs="+", default=[100, 200, 400], help="candidates reranked"
    )
    parser.add_argument("--datatype", choices=["float32", "float16"], default="float16")
    parser.add_argument("--workdir", type=Path, default=None, help="default: a temp dir, removed at the end")
    args = parser.parse_args()
    rng = np.random.default_rng(7)
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="abstractor-bench-"))
    store = np.lib.format.open_memmap(workdir / "pages.npy", "w+", np.float16, (args.pages, ROWS * COLS, DIM))
    started = time.perf_counter()
    make_pages(store, unit(rng.standard_normal((64, DIM))), rng)
    print(f"pages: {args.pages} x ({ROWS * COLS}, {DIM}) generated in {time.perf_counter() - started:.1f}s")
    queries = make_queries(store, args.queries, args.query_tokens, rng)
    truth = np.argsort(-exact_scores(store, queries), axis=1)[:, :10]  # (queries, 10)
    exact = []
    for query in queries[: args.exact_timed]:
        started = time.perf_counter()
        exact_scores(store, [query])
        exact.append(time.perf_counter() - started)
    config = IndexConfig(path=workdir / "index", visual_datatype=args.datatype)
    print(f"index load (upsert + optimize): {load_index(config, store):.1f}s")
    size = sum(f.stat().st_size for f in (workdir / "index").rglob("*") if f.is_file())
    print(f"index size: {size / 2**30:.2f} GiB, {size / args.pages / 1024:.0f} KiB/page ({args.datatype})")
    print(f"exact MaxSim over all pages: {np.mean(exact) * 1e3:.0f} ms/query")
    ids = {page_point_id("bench", f"{p:064x}", 1): p for p in range(args.pages)}
    for prefetch in args.prefetch:
        started = time.perf_counter()
        index = open_index(config.model_copy(update={"prefetch_limit": prefetch}))
        index.count()
        print(f"reopen: {time.perf_counter() - started:.2f}s")
        latencies, recalls = [], []
        index.search(PageQuery(multivector=queries[0]), 10, ACL)  # warm the caches once
        for query, expected in zip(queries, truth, strict=True):
            started = time.perf_counter()
            hits = index.search(PageQuery(multivector=query), 10, ACL)[VISUAL]
            latencies.append(time.perf_counter() - started)
            recalls.append(len({ids[h.point_id] for h in hits} & set(expected.tolist())) / 10)
        index.close()
        p50, p95 = np.percentile(latencies, [50, 95])
        print(
            f"prefetch {prefetch}: p50 {p50 * 1e3:.1f} ms, p95 {p95 * 1e3:.1f} ms, "
            f"speed-up {np.mean(exact) / p50:.1f}x, recall@10 {np.mean(recalls):.3f} "
            f"(min {np.min(recalls):.1f})"
        )
    if args.workdir is None:
        shutil.rmtree(workdir)


if __name__ == "__main__":
    main()
