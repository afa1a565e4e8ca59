"""The page index: one interface (base), an embedded and a server twin, and `open_index` choosing one."""

from retrieval.index.base import (
    PAGE,
    PASSAGE,
    Hit,
    IndexBusy,
    IndexFilter,
    PageIndex,
    PagePoint,
    PageQuery,
    page_point_id,
)
from retrieval.index.config import IndexConfig
from retrieval.index.factory import open_index

__all__ = [
    "PAGE",
    "PASSAGE",
    "Hit",
    "IndexBusy",
    "IndexConfig",
    "IndexFilter",
    "PageIndex",
    "PagePoint",
    "PageQuery",
    "open_index",
    "page_point_id",
]
