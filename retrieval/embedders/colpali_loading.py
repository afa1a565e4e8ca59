"""Finding and loading a ColPali-family checkpoint offline: a full model directory or a LoRA adapter."""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path
from typing import Any

# config.json model_type -> (model class, processor class) names in colpali_engine.models
FAMILIES = {
    "qwen2_5_vl": ("ColQwen2_5", "ColQwen2_5_Processor"),
    "qwen2_vl": ("ColQwen2", "ColQwen2Processor"),
    "qwen3_vl": ("ColQwen3", "ColQwen3Processor"),
    "paligemma": ("ColPali", "ColPaliProcessor"),
    "idefics3": ("ColIdefics3", "ColIdefics3Processor"),
    "gemma3": ("ColGemma3", "ColGemmaProcessor3"),
}


def resolve(name: str) -> Path:
    """A local directory as is; a repo id through the local Hugging Face cache only."""
    if Path(name).is_dir():
        return Path(name)
    from huggingface_hub import snapshot_download

    return Path(snapshot_download(name, local_files_only=True))


def model_type(directory: Path) -> str:
    return str(json.loads((directory / "config.json").read_text())["model_type"])


def classes(model_dir: Path) -> tuple[Any, Any]:
    import colpali_engine.models as cm

    kind = model_type(model_dir)
    if kind not in FAMILIES:
        raise ValueError(
            f"{model_dir}: model_type {kind!r} is not a known ColPali family ({sorted(FAMILIES)})"
        )
    model_name, processor_name = FAMILIES[kind]
    return getattr(cm, model_name), getattr(cm, processor_name)


def adapter_with_local_base(adapter: Path, base: Path, workdir: Path) -> Path:
    """A copy of the adapter directory whose adapter_config.json points at the local base model.

    Published ColQwen adapters name their base by repo id; from_pretrained would try to fetch it.
    Weights and processor files are symlinked, only the small JSON is rewritten.
    """
    target = workdir / "adapter"
    target.mkdir()
    for item in adapter.iterdir():
        if item.name != "adapter_config.json":
            (target / item.name).symlink_to(item.resolve())
    config = json.loads((adapter / "adapter_config.json").read_text())
    config["base_model_name_or_path"] = str(base.resolve())
    (target / "adapter_config.json").write_text(json.dumps(config, indent=2))
    return target


class Checkpoint:
    """Where the weights are: `load_from` for from_pretrained, `config_dir` for the family's config.json."""

    def __init__(self, model: str, base: str | None) -> None:
        self.model_dir = resolve(model)
        self._tmp: tempfile.TemporaryDirectory[str] | None = None
        self.load_from = self.model_dir
        self.config_dir = self.model_dir
        if (self.model_dir / "adapter_config.json").exists():
            declared = json.loads((self.model_dir / "adapter_config.json").read_text())[
                "base_model_name_or_path"
            ]
            base_dir = resolve(base or declared)
            self._tmp = tempfile.TemporaryDirectory(prefix="colpali-adapter-")
            self.load_from = adapter_with_local_base(self.model_dir, base_dir, Path(self._tmp.name))
            self.config_dir = base_dir

    def processor_dir(self) -> Path:
        """Adapters usually ship the processor files; else the base model's are used."""
        shipped = any(
            (self.model_dir / n).exists() for n in ("processor_config.json", "preprocessor_config.json")
        )
        if shipped or self.config_dir == self.model_dir:
            return self.model_dir
        return self.config_dir

    def cleanup(self) -> None:
        if self._tmp is not None:
            shutil.rmtree(self._tmp.name, ignore_errors=True)
            self._tmp = None
