"""Fixtures for the retrieval tests: both index backends, a synthetic corpus, the model-loading marker."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import ClassVar

import numpy as np
import pytest

from retrieval.index import IndexConfig, PageIndex, PagePoint, open_index, page_point_id
from retrieval.index.base import PAGE, PASSAGE, SparseVector, passage_point_id
from retrieval.index.payload import LEAD, page_payload
from schemas.contract import ContractFields, ContractType, Money, Party

DIM, TEXT_DIM = 128, 384


@pytest.fixture(params=["embedded", "server"])
def index_config(request: pytest.FixtureRequest, tmp_path: Path) -> IndexConfig:
    """The embedded twin in a temp directory; the server twin through qdrant-client's in-memory mode."""
    if request.param == "embedded":
        return IndexConfig(backend="embedded", path=tmp_path / "index", prefetch_limit=50)
    return IndexConfig(backend="server", collection="pages", prefetch_limit=50)


@pytest.fixture
def make_index(index_config: IndexConfig) -> Iterator[Callable[[], PageIndex]]:
    opened: list[PageIndex] = []

    def make() -> PageIndex:
        opened.append(open_index(index_config))
        return opened[-1]

    yield make
    for index in opened:
        index.close()


class Corpus:
    """A small synthetic corpus of contract pages with known fields, vectors and words (a fixture, since
    pytest's importlib mode cannot import helper modules from a test folder)."""

    DOCS: ClassVar[
        dict[str, tuple]
    ] = {  # document_id: (matter, type, parties, law, effective, expires, value)
        "doc-a": (
            "m1",
            "nda",
            ["Acme Widgets, Inc.", "Globex"],
            "New York",
            "2023-01-15",
            "2025-01-15",
            10_000.0,
        ),
        "doc-b": ("m1", "lease", ["Initech"], "Delaware", "2024-06-01", "2029-06-01", 250_000.0),
        "doc-c": ("m2", "nda", ["Globex", "Umbrella"], "England and Wales", "2022-03-10", None, None),
        "doc-d": (
            "m2",
            "supply",
            ["Acme Widgets, Inc."],
            "New York",
            "2024-11-20",
            "2026-11-20",
            1_500_000.0,
        ),
    }

    # Clause answers per document: True present, False absent, left out unknown (doc-d read none).
    CLAUSES: ClassVar[dict[str, dict[str, bool]]] = {
        "doc-a": {"termination_for_convenience": True, "anti_assignment": False},
        "doc-b": {"termination_for_convenience": False},
        "doc-c": {"termination_for_convenience": True, "anti_assignment": True},
        "doc-d": {},
    }

    @staticmethod
    def unit(rng: np.random.Generator, *shape: int) -> np.ndarray:
        x = rng.standard_normal(shape).astype(np.float32)
        return x / np.linalg.norm(x, axis=-1, keepdims=True)

    @staticmethod
    def fields(doc: str) -> ContractFields:
        _, kind, parties, law, start, end, value = Corpus.DOCS[doc]
        return ContractFields(
            contract_type=ContractType(kind),
            parties=[Party(name=name) for name in parties],
            governing_law=law,
            effective_date=dt.date.fromisoformat(start),
            expiration_date=dt.date.fromisoformat(end) if end else None,
            contract_value=Money(amount=value, currency="USD") if value is not None else None,
            clauses=Corpus.CLAUSES[doc],
        )

    @staticmethod
    def sparse(term_ids: list[int]) -> SparseVector:
        return SparseVector(indices=term_ids, values=[1.0] * len(term_ids))

    @staticmethod
    def build(seed: int = 0, *, visual: bool = True, pages: int = 2) -> list[PagePoint]:
        """Per document and page a passage point (text vectors) and, with `visual`, a page point.

        Page 1's passage carries its document's own term id (1000 + doc index); term 7 is on every page.
        The points come page point first, then passage, page by page; each document's first one leads.
        """
        rng = np.random.default_rng(seed)
        points = []
        for number, doc in enumerate(Corpus.DOCS):
            matter = Corpus.DOCS[doc][0]
            sha = hashlib.sha256(doc.encode()).hexdigest()
            for page in range(1, pages + 1):
                payload = page_payload(doc, page, matter, Corpus.fields(doc))
                if visual:
                    multivector = Corpus.unit(rng, 24, DIM)  # (tokens, dim)
                    points.append(
                        PagePoint(
                            id=page_point_id(matter, sha, page),
                            multivector=multivector,
                            pooled=multivector.reshape(6, 4, DIM).mean(axis=1),  # (6, dim)
                            payload={**payload, "kind": PAGE},
                        )
                    )
                points.append(
                    PagePoint(
                        id=passage_point_id(matter, sha, page, 0),
                        dense_text=Corpus.unit(rng, TEXT_DIM),
                        sparse_text=Corpus.sparse([1000 + number, 7] if page == 1 else [7, 8]),
                        payload={**payload, "kind": PASSAGE, "passage": 0, "text": Corpus.TEXTS[page]},
                    )
                )
            first = next(p for p in points if p.payload["document_id"] == doc)
            first.payload["lead"] = LEAD
        return points

    TEXTS: ClassVar[dict[int, str]] = {
        1: "Either party may terminate this Agreement for convenience.",
        2: "This Agreement may not be assigned; convenience of the parties aside.",
    }

    @staticmethod
    def maxsim(query: np.ndarray, page: np.ndarray) -> float:
        return float((query @ page.T).max(axis=1).sum())  # (q, d) -> per query token max -> sum


@pytest.fixture
def corpus() -> type[Corpus]:
    return Corpus


# --- tiny random-weight ColQwen2.5 checkpoints, saved and loaded through from_pretrained ---

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
    import torch
    from colpali_engine.models import ColQwen2_5

    torch.manual_seed(0)
    model = ColQwen2_5(_config(tokenizer)).eval()
    with torch.no_grad():  # random init leaves the bias at 0: padded query rows would normalise 0/0 to NaN
        model.custom_text_proj.bias.normal_(0, 0.02)
    return model


@pytest.fixture(scope="session")
def tiny_dirs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Tiny random-weight ColQwen2.5 checkpoints: a full model, a base, and a LoRA adapter over it."""
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
