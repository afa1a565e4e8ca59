"""The ColPali embedder on tiny random-weight ColQwen2.5 models, loaded through from_pretrained offline.

Both shapes real weights come in are built here: a full model directory, and a base + LoRA adapter pair
whose adapter_config.json names the base by a repo id that does not exist on this machine.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image

from retrieval.embedders.colpali import ColPaliEmbedder
from retrieval.embedders.config import EmbedderConfig
from retrieval.index import IndexConfig, IndexFilter, PagePoint, PageQuery, open_index

pytestmark = pytest.mark.models
SPECIAL = [
    "<|endoftext|>",
    "<|im_start|>",
    "<|im_end|>",
    "<|vision_start|>",
    "<|vision_end|>",
    "<|image_pad|>",
    "<|video_pad|>",
]


def _processor():  # the byte-level tokenizer needs no files: every string encodes
    from colpali_engine.models import ColQwen2_5_Processor
    from transformers import Qwen2Tokenizer, Qwen2VLImageProcessor, Qwen2VLVideoProcessor
    from transformers.convert_slow_tokenizer import bytes_to_unicode

    vocab = {char: i for i, char in enumerate(bytes_to_unicode().values())}
    vocab.update({token: len(vocab) + i for i, token in enumerate(SPECIAL)})
    tokenizer = Qwen2Tokenizer(vocab=vocab, merges=[], pad_token="<|endoftext|>")
    tokenizer.add_special_tokens({"additional_special_tokens": SPECIAL[1:]})
    images = Qwen2VLImageProcessor(min_pixels=4 * 28 * 28, max_pixels=64 * 28 * 28)
    return ColQwen2_5_Processor(
        image_processor=images, tokenizer=tokenizer, video_processor=Qwen2VLVideoProcessor()
    )


def _config(tokenizer):
    from transformers import Qwen2_5_VLConfig

    ids = {
        name: tokenizer.convert_tokens_to_ids(token)
        for name, token in (
            ("bos_token_id", "<|endoftext|>"),
            ("eos_token_id", "<|im_end|>"),
            ("image_token_id", "<|image_pad|>"),
            ("video_token_id", "<|video_pad|>"),
            ("vision_start_token_id", "<|vision_start|>"),
            ("vision_end_token_id", "<|vision_end|>"),
        )
    }
    text = {
        "vocab_size": len(tokenizer),
        "hidden_size": 64,
        "intermediate_size": 128,
        "num_hidden_layers": 2,
        "num_attention_heads": 4,
        "num_key_value_heads": 2,
        "bos_token_id": ids["bos_token_id"],
        "eos_token_id": ids["eos_token_id"],
        "rope_parameters": {"rope_type": "default", "rope_theta": 10000.0, "mrope_section": [2, 3, 3]},
    }
    vision = {
        "depth": 2,
        "hidden_size": 32,
        "intermediate_size": 64,
        "num_heads": 2,
        "out_hidden_size": 64,
        "fullatt_block_indexes": [1],
    }
    return Qwen2_5_VLConfig(text_config=text, vision_config=vision, **ids)


def _tiny_model(tokenizer):
    from colpali_engine.models import ColQwen2_5

    torch.manual_seed(0)
    model = ColQwen2_5(_config(tokenizer)).eval()
    with torch.no_grad():  # random init leaves the bias at 0: padded query rows would normalise 0/0 to NaN
        model.custom_text_proj.bias.normal_(0, 0.02)
    return model


@pytest.fixture(scope="module")
def tiny_dirs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    from peft import LoraConfig, get_peft_model

    root = tmp_path_factory.mktemp("colqwen")
    processor = _processor()
    model = _tiny_model(processor.tokenizer)
    model.save_pretrained(root / "full")
    processor.save_pretrained(root / "full")
    base = _tiny_model(processor.tokenizer)
    base.save_pretrained(root / "base")
    processor.save_pretrained(root / "base")
    lora = LoraConfig(r=4, lora_alpha=8, target_modules=["q_proj", "v_proj"], init_lora_weights=False)
    adapted = get_peft_model(base, lora)
    adapted.save_pretrained(root / "adapter")
    processor.save_pretrained(root / "adapter")
    config = json.loads((root / "adapter" / "adapter_config.json").read_text())
    config["base_model_name_or_path"] = "nobody/colqwen-tiny-base"  # as published: a repo id, not a path
    (root / "adapter" / "adapter_config.json").write_text(json.dumps(config))
    return {"full": root / "full", "base": root / "base", "adapter": root / "adapter"}


def _pages() -> list[Image.Image]:
    rng = np.random.default_rng(0)
    return [Image.fromarray(rng.integers(0, 255, (280, 200, 3), dtype=np.uint8)) for _ in range(3)]


def test_full_model_directory_embeds_pages_and_queries(tiny_dirs: dict[str, Path]) -> None:
    embedder = ColPaliEmbedder(EmbedderConfig(colpali_model=str(tiny_dirs["full"]), batch_size=2))
    pages = embedder.embed_pages_pooled(_pages())
    assert len(pages) == 3
    _, height, width = (
        int(x) // 2 for x in embedder.processor.process_images(_pages()[:1])["image_grid_thw"][0]
    )
    for multivector, pooled in pages:
        assert multivector.shape[1] == 128 and multivector.dtype == np.float32
        np.testing.assert_allclose(np.linalg.norm(multivector, axis=1), 1.0, atol=1e-5)
        assert pooled.shape == (height + width, 128)  # the merged patch grid: one mean per row and column
        assert multivector.shape[0] > height * width  # image tokens plus the prompt around them
    queries = embedder.embed_queries(["governing law", "x", "termination for convenience"])
    assert [q.shape[1] for q in queries] == [128] * 3
    assert not any(np.isnan(q).any() for q in queries)


def test_adapter_loads_offline_over_a_local_base(tiny_dirs: dict[str, Path]) -> None:
    config = EmbedderConfig(colpali_model=str(tiny_dirs["adapter"]), colpali_base=str(tiny_dirs["base"]))
    adapted = ColPaliEmbedder(config).embed_queries(["indemnification"])[0]
    plain = ColPaliEmbedder(EmbedderConfig(colpali_model=str(tiny_dirs["base"]), pooling="hierarchical"))
    assert adapted.shape == plain.embed_queries(["indemnification"])[0].shape
    assert not np.allclose(adapted, plain.embed_queries(["indemnification"])[0], atol=1e-4)  # LoRA applied
    assert json.loads((tiny_dirs["adapter"] / "adapter_config.json").read_text())[
        "base_model_name_or_path"
    ] == (
        "nobody/colqwen-tiny-base"  # the rewrite happened in a temp copy
    )


def test_index_maxsim_equals_colpali_engine_scores(tiny_dirs: dict[str, Path], tmp_path: Path) -> None:
    embedder = ColPaliEmbedder(EmbedderConfig(colpali_model=str(tiny_dirs["full"])))
    pages = embedder.embed_pages_pooled(_pages())
    queries = embedder.embed_queries(["payment terms", "notice period"])
    expected = embedder.processor.score_multi_vector(
        [torch.from_numpy(q) for q in queries], [torch.from_numpy(mv) for mv, _ in pages]
    ).numpy()  # (queries, pages)
    points = [
        PagePoint(
            id=f"00000000-0000-0000-0000-00000000000{i}",
            multivector=mv,
            pooled=pooled,
            payload={"document_id": "d", "page": i, "matter": "m"},
        )
        for i, (mv, pooled) in enumerate(pages)
    ]
    with open_index(IndexConfig(path=tmp_path / "index")) as index:
        index.upsert(points)
        for qi, query in enumerate(queries):
            hits = index.search(PageQuery(multivector=query), 3, IndexFilter(matters=["m"]))
            got = {hit.page: hit.score for hit in hits}
            np.testing.assert_allclose([got[i] for i in range(3)], expected[qi], atol=1e-4)
