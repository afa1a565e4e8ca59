"""ColPali-family page and query multi-vectors through colpali-engine, offline, batched."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from retrieval.embedders.colpali_loading import Checkpoint, classes, model_type
from retrieval.embedders.config import EmbedderConfig
from retrieval.embedders.heatmap import HeatmapUnavailableError
from retrieval.embedders.pooling import pool


class ColPaliEmbedder:
    def __init__(self, config: EmbedderConfig) -> None:
        import torch

        if config.colpali_model is None:
            raise ValueError("EmbedderConfig.colpali_model is not set: the visual channel is off")
        self.config = config
        checkpoint = Checkpoint(config.colpali_model, config.colpali_base)
        model_cls, processor_cls = classes(checkpoint.config_dir)
        self._qwen = model_type(checkpoint.config_dir).startswith("qwen")
        dtype = torch.bfloat16 if config.device.startswith("cuda") else torch.float32
        try:
            self.model = model_cls.from_pretrained(
                str(checkpoint.load_from), dtype=dtype, device_map=config.device, local_files_only=True
            ).eval()
        finally:
            checkpoint.cleanup()  # the weights are in memory; the rewritten adapter copy is not needed
        extra = {"max_num_visual_tokens": config.max_visual_tokens} if config.max_visual_tokens else {}
        self.processor = processor_cls.from_pretrained(str(checkpoint.processor_dir()), **extra)

    def _run(self, batch: Any) -> list[np.ndarray]:
        import torch

        with torch.inference_mode():
            batch = batch.to(self.model.device)
            out = self.model(**batch).float().cpu()  # (batch, tokens, 128)
        mask = batch["attention_mask"].bool().cpu()  # (batch, tokens)
        return [out[i][mask[i]].numpy() for i in range(out.shape[0])]  # drop padding: (tokens_i, 128)

    def _batches(self, items: Sequence[Any]) -> list[Sequence[Any]]:
        size = self.config.batch_size
        return [items[i : i + size] for i in range(0, len(items), size)]

    def embed_pages(self, images: Sequence[Any]) -> list[np.ndarray]:
        """One (tokens, 128) multi-vector per PIL page image."""
        return [mv for mv, _ in self.embed_pages_pooled(images)]

    def embed_pages_pooled(self, images: Sequence[Any]) -> list[tuple[np.ndarray, np.ndarray]]:
        """(multivector (tokens, 128), pooled (n, 128)) per page, pooled as `config.pooling` says."""
        out = []
        for chunk in self._batches(images):
            batch = self.processor.process_images(list(chunk))
            vectors = self._run(batch)
            for i, multivector in enumerate(vectors):
                grid, image_slice = self._image_grid(batch, i) if self._qwen else (None, None)
                pooled = pool(
                    multivector,
                    self.config.pooling,
                    grid=grid,
                    image_slice=image_slice,
                    factor=self.config.pool_factor,
                )
                out.append((multivector, pooled))
        return out

    def _image_grid(self, batch: Any, i: int) -> tuple[tuple[int, int], slice]:
        """Where the image tokens sit in page i's unpadded sequence, and their (rows, cols) after merging."""
        ids = batch["input_ids"][i][batch["attention_mask"][i].bool()]  # (tokens,)
        positions = (ids == self.model.config.image_token_id).nonzero().flatten()
        merge = self.processor.image_processor.merge_size
        _, height, width = (int(x) for x in batch["image_grid_thw"][i])
        return (height // merge, width // merge), slice(int(positions[0]), int(positions[-1]) + 1)

    def embed_page_grid(self, image: Any) -> tuple[np.ndarray, tuple[int, int], slice]:
        """One page's multi-vector (tokens, 128), its image tokens' (rows, cols) and where they sit."""
        if not self._qwen:  # only the Qwen processors report the grid (image_grid_thw) of a page
            raise HeatmapUnavailableError("heat-maps need a Qwen-family ColPali model (ColQwen2, ColQwen2.5)")
        batch = self.processor.process_images([image])
        multivector = self._run(batch)[0]  # (tokens, 128)
        grid, image_slice = self._image_grid(batch, 0)
        return multivector, grid, image_slice

    def embed_queries(self, texts: Sequence[str]) -> list[np.ndarray]:
        """One (query_tokens, 128) multi-vector per query text."""
        return [
            v
            for chunk in self._batches(texts)
            for v in self._run(self.processor.process_queries(list(chunk)))
        ]
