"""The server index's collection layout and filters, in qdrant-client's models."""

from __future__ import annotations

from qdrant_client import models

from retrieval.index.base import DENSE, POOLED, SPARSE, VISUAL, IndexFilter
from retrieval.index.config import IndexConfig
from retrieval.index.payload import PAYLOAD_INDEXES, conditions

PAYLOAD_SCHEMAS: dict[str, models.PayloadSchemaType | models.TextIndexParams] = {
    "keyword": models.PayloadSchemaType.KEYWORD,
    "integer": models.PayloadSchemaType.INTEGER,
    "float": models.PayloadSchemaType.FLOAT,
    "datetime": models.PayloadSchemaType.DATETIME,
    "text": models.TextIndexParams(
        type=models.TextIndexType.TEXT,
        tokenizer=models.TokenizerType.WORD,
        lowercase=True,
        phrase_matching=True,
        min_token_len=1,
    ),
}
_DATATYPES = {"float32": models.Datatype.FLOAT32, "float16": models.Datatype.FLOAT16}


def vectors_config(config: IndexConfig) -> dict[str, models.VectorParams]:
    maxsim = models.MultiVectorConfig(comparator=models.MultiVectorComparator.MAX_SIM)
    return {
        # The full multi-vectors are only ever reranked, never searched: no graph (m=0), kept on disk.
        VISUAL: models.VectorParams(
            size=config.visual_dim,
            distance=models.Distance.DOT,
            multivector_config=maxsim,
            datatype=_DATATYPES[config.visual_datatype],
            hnsw_config=models.HnswConfigDiff(m=0),
            on_disk=True,
        ),
        POOLED: models.VectorParams(
            size=config.visual_dim, distance=models.Distance.DOT, multivector_config=maxsim
        ),
        DENSE: models.VectorParams(size=config.text_dim, distance=models.Distance.COSINE),
    }


def sparse_config() -> dict[str, models.SparseVectorParams]:
    return {SPARSE: models.SparseVectorParams(modifier=models.Modifier.IDF)}  # BM25's IDF, kept current


def hnsw_config(config: IndexConfig) -> models.HnswConfigDiff:
    return models.HnswConfigDiff(m=config.hnsw_m, ef_construct=config.hnsw_ef_construct)


def payload_indexes() -> dict[str, models.PayloadSchemaType | models.TextIndexParams]:
    return {key: PAYLOAD_SCHEMAS[kind] for key, kind in PAYLOAD_INDEXES.items()}


def server_filter(flt: IndexFilter, *, kind: str | None = None, lead: bool = False) -> models.Filter:
    must: list[models.Condition] = []
    for cond in conditions(flt, kind=kind, lead=lead):
        if cond.kind == "phrase":
            must.append(models.FieldCondition(key=cond.key, match=models.MatchPhrase(phrase=cond.value)))
        elif cond.kind == "any":
            must.append(models.FieldCondition(key=cond.key, match=models.MatchAny(any=cond.value)))
        elif cond.kind == "value":
            must.append(models.FieldCondition(key=cond.key, match=models.MatchValue(value=cond.value)))
        elif cond.kind == "datetime":
            rng = models.DatetimeRange(gte=cond.value[0], lte=cond.value[1])
            must.append(models.FieldCondition(key=cond.key, range=rng))
        else:
            must.append(
                models.FieldCondition(key=cond.key, range=models.Range(gte=cond.value[0], lte=cond.value[1]))
            )
    return models.Filter(must=must)
