"""Visual search benchmark on the embedded index: index layouts side by side, latency and recall@10
against exact MaxSim, load time and size.

    nice -n 5 .venv/bin/python bench/search.py --pages 2000                  # quick, every layout
    nice -n 5 .venv/bin/python bench/search.py --pages 5000 --prefetch 200 400 800
    nice -n 5 .venv/bin/python bench/search.py --pages 20000 --layouts rows_cols-f16 hier44-f32 \\
        --prefetch 800 1200 1600                                             # the target size

Synthetic ColQwen-shaped pages: (700, 128) unit vectors on a 25 x 28 patch grid. Each page mixes a
topic with a few regions (bands of rows), so tokens cluster the way real page tokens do and pooling keeps
information. Queries paraphrase 20 tokens of one page. The ground truth is exact MaxSim of every query
against every page, in numpy.

Each layout (LAYOUTS: how the page is pooled for the HNSW prefetch, and the IndexConfig it is indexed
with) gets its own index, built and searched through the project's code (`pool`, `open_index`,
`PagePoint`, `index.search(...)["visual"]`) in its own worker process, so no process maps more than one
index. The queries are then sent to the layouts in turn, query by query in a shuffled order, so that
the machine's load falls on every layout alike: compare the ratios, not the absolute numbers.

Prints, per layout: pooled vectors per page, load time (upsert, optimize), size on disk, reopen time;
then per layout and prefetch (candidates reranked by MaxSim): p50 and p95 of `index.search` in ms,
p95 relative to the first row, recall@10 (mean and worst query). `--depth` is how many hits the search
returns (recall counts the first 10): the search service asks for 200 (retrieval.search.CANDIDATES).
The page vectors go to a plain file (read back in chunks, not mapped) so the parent stays small.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import random
import shutil
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, Literal

import numpy as np

DIM, ROWS, COLS, REGIONS = 128, 25, 28, 8  # 700 image tokens per page, like an A4 page under ColQwen2.5
TOKENS = ROWS * COLS
PAGE_BYTES = TOKENS * DIM * 2  # float16 on file


@dataclass(frozen=True)
class Layout:
    pooling: Literal["rows_cols", "hierarchical"]
    factor: int = 4  # hierarchical: tokens per pooled vector
    datatype: Literal["float32", "float16"] = "float32"  # of the full multi-vectors (the rerank)


LAYOUTS = {
    # What was measured before: 53 row and column means, float16 rerank vectors.
    "rows_cols-f16": Layout("rows_cols", datatype="float16"),
    "rows_cols-f32": Layout("rows_cols", datatype="float32"),
    # ~16 Ward clusters of a 700-token page: a third of the pooled vectors, so a cheaper HNSW.
    "hier44-f16": Layout("hierarchical", 44, "float16"),
    "hier44-f32": Layout("hierarchical", 44, "float32"),
}


# --- the synthetic pages, on a plain file -------------------------------------------------------------


def unit(x: np.ndarray) -> np.ndarray:
    return x / np.linalg.norm(x, axis=-1, keepdims=True)


def write_pages(path: Path, pages: int, rng: np.random.Generator) -> None:
    topics = unit(rng.standard_normal((64, DIM)))
    region_of_row = np.arange(ROWS) * REGIONS // ROWS  # (rows,)
    with path.open("wb") as out:
        for start in range(0, pages, 500):
            n = min(500, pages - start)
            topic = topics[rng.integers(0, len(topics), n)]  # (n, dim)
            regions = unit(
                topic[:, None, :] + 0.8 * rng.standard_normal((n, REGIONS, DIM)) / np.sqrt(DIM) * 4
            )
            centres = np.repeat(regions[:, region_of_row], COLS, axis=1)  # (n, tokens, dim)
            noise = rng.standard_normal(centres.shape, dtype=np.float32) / np.sqrt(DIM) * 1.2
            out.write(unit(centres + noise).astype(np.float16).tobytes())


def read_pages(path: Path, start: int, count: int) -> np.ndarray:
    with path.open("rb") as f:
        f.seek(start * PAGE_BYTES)
        flat = np.fromfile(f, np.float16, count * TOKENS * DIM)
    return flat.reshape(-1, TOKENS, DIM).astype(np.float32)  # (count, tokens, dim)


def chunks(path: Path, pages: int, size: int) -> Iterator[tuple[int, np.ndarray]]:
    for start in range(0, pages, size):
        yield start, read_pages(path, start, min(size, pages - start))


def make_queries(path: Path, pages: int, count: int, tokens: int, rng: np.random.Generator) -> np.ndarray:
    queries = []
    for page in rng.integers(0, pages, count):  # a query paraphrases some tokens of one page
        picked = read_pages(path, int(page), 1)[0][rng.choice(TOKENS, tokens, replace=False)]
        queries.append(unit(picked + rng.standard_normal(picked.shape) / np.sqrt(DIM) * 1.5))
    return np.stack(queries).astype(np.float32)  # (queries, tokens, dim)


def exact_scores(path: Path, pages: int, queries: np.ndarray, chunk: int = 100) -> np.ndarray:
    """MaxSim of every query against every page, one pass over the pages: (queries, pages)."""
    count, q_tokens, _ = queries.shape
    stacked = queries.reshape(-1, DIM)  # (queries * q_tokens, dim)
    scores = np.empty((count, pages), np.float32)
    for start, block in chunks(path, pages, chunk):
        sims = (block @ stacked.T).max(axis=1)  # (chunk, queries * q_tokens)
        scores[:, start : start + len(block)] = sims.reshape(len(block), count, q_tokens).sum(axis=2).T
    return scores


# --- one layout, in its own process -------------------------------------------------------------------


def worker(conn: Connection, layout: Layout, pages_file: Path, pages: int, index_dir: Path) -> None:
    """Builds the layout's index, then answers ("search", query, prefetch, depth) until ("close",)."""
    from retrieval.embedders.pooling import pool
    from retrieval.index import IndexConfig, IndexFilter, PagePoint, PageQuery, open_index, page_point_id
    from retrieval.index.base import PAGE, VISUAL

    config = IndexConfig(path=index_dir, visual_datatype=layout.datatype)
    grid, whole = (ROWS, COLS), slice(0, TOKENS)
    pooled_count, upsert_s = 0, 0.0
    with open_index(config) as index:
        for start, block in chunks(pages_file, pages, 50):
            points = []
            for i, page in enumerate(block):
                pooled = pool(page, layout.pooling, grid=grid, image_slice=whole, factor=layout.factor)
                pooled_count += len(pooled)
                payload = {"document_id": f"doc-{start + i}", "page": 1, "matter": "bench", "kind": PAGE}
                point_id = page_point_id("bench", f"{start + i:064x}", 1)
                points.append(PagePoint(id=point_id, multivector=page, pooled=pooled, payload=payload))
            began = time.perf_counter()
            index.upsert(points)
            upsert_s += time.perf_counter() - began
        began = time.perf_counter()
        index.optimize()  # type: ignore[attr-defined]
        optimize_s = time.perf_counter() - began
    size = sum(f.stat().st_size for f in (index_dir / "segments").rglob("*") if f.is_file())
    wal = sum(f.stat().st_size for f in (index_dir / "wal").rglob("*") if f.is_file())
    began = time.perf_counter()
    index = open_index(config)
    index.count()
    reopen_s = time.perf_counter() - began
    built = {"pooled": pooled_count / pages, "upsert_s": upsert_s, "optimize_s": optimize_s}
    conn.send(built | {"size": size, "wal": wal, "reopen_s": reopen_s})
    ids = {page_point_id("bench", f"{p:064x}", 1): p for p in range(pages)}
    acl = IndexFilter(matters=["bench"])
    while True:
        message = conn.recv()
        if message[0] == "close":
            break
        _, query, prefetch, depth = message
        # The embedded index reads prefetch_limit per query; swapping the config saves a reopen.
        index.config = config.model_copy(update={"prefetch_limit": prefetch})  # type: ignore[attr-defined]
        began = time.perf_counter()
        hits = index.search(PageQuery(multivector=query), depth, acl)[VISUAL]
        took = time.perf_counter() - began
        conn.send((took, [ids[hit.point_id] for hit in hits[:10]]))
    index.close()
    conn.send("closed")


class Worker:
    def __init__(self, name: str, layout: Layout, pages_file: Path, pages: int, workdir: Path) -> None:
        self.name = name
        context = mp.get_context("spawn")
        self.conn, child = context.Pipe()
        self.process = context.Process(
            target=worker, args=(child, layout, pages_file, pages, workdir / f"index-{name}"), daemon=True
        )
        self.process.start()

    def built(self) -> dict[str, Any]:
        return self.conn.recv()

    def search(self, query: np.ndarray, prefetch: int, depth: int) -> tuple[float, list[int]]:
        self.conn.send(("search", query, prefetch, depth))
        return self.conn.recv()

    def close(self) -> None:
        self.conn.send(("close",))
        self.conn.recv()
        self.process.join(timeout=60)


# --- the comparison -----------------------------------------------------------------------------------


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--queries", type=int, default=50)
    parser.add_argument("--query-tokens", type=int, default=20)
    parser.add_argument("--layouts", nargs="+", choices=sorted(LAYOUTS), default=list(LAYOUTS))
    parser.add_argument("--prefetch", type=int, nargs="+", default=[200, 400, 800], help="candidates")
    parser.add_argument("--depth", type=int, default=10, help="hits asked for (the service asks 200)")
    parser.add_argument("--rounds", type=int, default=2, help="times each query is sent to each layout")
    parser.add_argument("--exact-timed", type=int, default=3, help="queries timed alone for exact search")
    parser.add_argument("--workdir", type=Path, default=None, help="default: a temp dir, removed at the end")
    return parser.parse_args()


def ground_truth(args: argparse.Namespace, pages_file: Path, queries: np.ndarray) -> list[set[int]]:
    began = time.perf_counter()
    best = np.argsort(-exact_scores(pages_file, args.pages, queries), axis=1)[:, :10]  # (queries, 10)
    print(f"exact MaxSim of {args.queries} queries over all pages: {time.perf_counter() - began:.0f}s")
    exact = []
    for query in queries[: args.exact_timed]:
        began = time.perf_counter()
        exact_scores(pages_file, args.pages, query[None])
        exact.append(time.perf_counter() - began)
    print(f"exact MaxSim, one query over all pages: {np.mean(exact) * 1e3:.0f} ms")
    return [set(row.tolist()) for row in best]


def compare(
    args: argparse.Namespace, workers: list[Worker], queries: np.ndarray, truth: list[set[int]]
) -> None:
    cases = [(w, p) for w in workers for p in args.prefetch]
    for w, p in cases:  # warm each once
        w.search(queries[0], p, args.depth)
    latency: dict[tuple[str, int], list[float]] = {(w.name, p): [] for w, p in cases}
    recall: dict[tuple[str, int], list[float]] = {(w.name, p): [] for w, p in cases}
    order = random.Random(7)
    for _ in range(args.rounds):
        for query, expected in zip(queries, truth, strict=True):
            order.shuffle(cases)
            for w, p in cases:
                took, found = w.search(query, p, args.depth)
                latency[(w.name, p)].append(took)
                recall[(w.name, p)].append(len(set(found) & expected) / 10)
    first = None
    print(f"depth {args.depth}, {args.queries} queries x {args.rounds} rounds, interleaved:")
    for w in workers:
        for p in args.prefetch:
            p50, p95 = np.percentile(latency[(w.name, p)], [50, 95]) * 1e3
            first = first or p95
            print(
                f"  {w.name:14s} prefetch {p:5d}: p50 {p50:6.1f} ms, p95 {p95:6.1f} ms "
                f"({p95 / first:4.2f}x), recall@10 {np.mean(recall[(w.name, p)]):.3f} "
                f"(min {np.min(recall[(w.name, p)]):.1f})"
            )


def main() -> None:
    args = parse_args()
    rng = np.random.default_rng(7)
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="abstractor-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    pages_file = workdir / "pages.f16"
    began = time.perf_counter()
    write_pages(pages_file, args.pages, rng)
    print(f"pages: {args.pages} x ({TOKENS}, {DIM}) generated in {time.perf_counter() - began:.0f}s")
    queries = make_queries(pages_file, args.pages, args.queries, args.query_tokens, rng)
    truth = ground_truth(args, pages_file, queries)
    workers: list[Worker] = []
    try:
        for name in args.layouts:  # built one after the other: a build takes both cores
            workers.append(Worker(name, LAYOUTS[name], pages_file, args.pages, workdir))
            built = workers[-1].built()
            print(
                f"{name}: {built['pooled']:.1f} pooled vectors/page, upsert {built['upsert_s']:.0f}s, "
                f"optimize {built['optimize_s']:.0f}s, segments {built['size'] / 2**30:.2f} GiB "
                f"({built['size'] / args.pages / 1024:.0f} KiB/page) + WAL {built['wal'] / 2**30:.2f} GiB, "
                f"reopen {built['reopen_s']:.2f}s"
            )
        compare(args, workers, queries, truth)
    finally:
        for w in workers:
            if w.process.is_alive():
                w.close()
        if args.workdir is None:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
