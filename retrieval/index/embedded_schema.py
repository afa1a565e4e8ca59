"""The embedded index's shard layout and filters, in qdrant-edge's classes."""

from __future__ import annotations

import qdrant_edge as qe

from retrieval.index.base import DENSE, POOLED, SPARSE, VISUAL, IndexFilter
from retrieval.index.config import IndexConfig
from retrieval.index.payload import PAYLOAD_INDEXES, conditions

_INDEX_KINDS: dict[str, qe.PayloadSchemaType | qe.TextIndexParams] = {
    "keyword": qe.PayloadSchemaType.Keyword,
    "integer": qe.PayloadSchemaType.Integer,
    "float": qe.PayloadSchemaType.Float,
    "datetime": qe.PayloadSchemaType.Datetime,
    "text": qe.TextIndexParams(
        tokenizer=qe.TokenizerType.Word, lowercase=True, phrase_matching=True, min_token_len=1
    ),
}
_DATATYPES = {"float32": qe.VectorStorageDatatype.Float32, "float16": qe.VectorStorageDatatype.Float16}


def edge_config(config: IndexConfig) -> qe.EdgeConfig:
    hnsw = qe.HnswIndexConfig(
        m=config.hnsw_m, ef_construct=config.hnsw_ef_construct, full_scan_threshold=10_000
    )
    maxsim = qe.MultiVectorConfig(qe.MultiVectorComparator.MaxSim)
    return qe.EdgeConfig(
        vectors={
            # The full multi-vectors are only ever reranked, never searched: no graph (m=0), kept on disk.
            VISUAL: qe.EdgeVectorParams(
                size=config.visual_dim,
                distance=qe.Distance.Dot,
                multivector_config=maxsim,
                datatype=_DATATYPES[config.visual_datatype],
                hnsw_config=qe.HnswIndexConfig(
                    m=0, ef_construct=config.hnsw_ef_construct, full_scan_threshold=0
                ),
                memory=qe.Memory.Cold,
            ),
            POOLED: qe.EdgeVectorParams(
                size=config.visual_dim, distance=qe.Distance.Dot, multivector_config=maxsim
            ),
            DENSE: qe.EdgeVectorParams(size=config.text_dim, distance=qe.Distance.Cosine),
        },
        sparse_vectors={
            SPARSE: qe.EdgeSparseVectorParams(modifier=qe.Modifier.Idf)
        },  # BM25's IDF, kept current
        hnsw_config=hnsw,
    )


def payload_index_operations() -> list[qe.UpdateOperation]:
    return [qe.UpdateOperation.create_field_index(k, _INDEX_KINDS[v]) for k, v in PAYLOAD_INDEXES.items()]


def edge_filter(flt: IndexFilter, *, kind: str | None = None, lead: bool = False) -> qe.Filter:
    must: list[qe.FieldCondition] = []
    for cond in conditions(flt, kind=kind, lead=lead):
        if cond.kind == "phrase":
            must.append(qe.FieldCondition(cond.key, match=qe.MatchPhrase(cond.value)))
        elif cond.kind == "any":
            must.append(qe.FieldCondition(cond.key, match=qe.MatchAny(cond.value)))
        elif cond.kind == "value":
            must.append(qe.FieldCondition(cond.key, match=qe.MatchValue(cond.value)))
        elif cond.kind == "datetime":
            must.append(
                qe.FieldCondition(cond.key, range=qe.RangeDateTime(gte=cond.value[0], lte=cond.value[1]))
            )
        else:
            must.append(
                qe.FieldCondition(cond.key, range=qe.RangeFloat(gte=cond.value[0], lte=cond.value[1]))
            )
    return qe.Filter(must=must)
