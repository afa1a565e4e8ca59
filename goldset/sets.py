"""The golden sets the project ships, by name, and how a name or a folder becomes one to score.

    synthetic   goldset/data: 100 generated contracts (the default)
    cuad        goldset/cuad: 262 real contracts from CUAD v1, labelled by lawyers (CC BY 4.0)

A shipped set holds born-digital PDFs, and eval scores the scanned variant (goldset.scan) unless asked
for the born-digital one. Any other folder with a labels.jsonl is an external set, named by its path, and
its documents are scored as they are unless the scanned variant is asked for.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from goldset.labels import LABELS_FILE

ROOT = Path(__file__).resolve().parent
NAMED: dict[str, Path] = {"synthetic": ROOT / "data", "cuad": ROOT / "cuad"}
DEFAULT = "synthetic"
Variant = Literal["scanned", "born-digital"]
VARIANTS: tuple[Variant, ...] = ("scanned", "born-digital")


@dataclass(frozen=True)
class Goldset:
    name: str  # "synthetic", "cuad", or an external set's folder
    dir: Path
    shipped: bool

    @property
    def default_variant(self) -> Variant:
        return "scanned" if self.shipped else "born-digital"


def resolve_goldset(choice: str | Path) -> Goldset:
    """A set's name, or a folder holding labels.jsonl (a shipped set's folder is that set)."""
    if str(choice) in NAMED:
        return Goldset(str(choice), NAMED[str(choice)], shipped=True)
    folder = Path(choice).expanduser().resolve()
    for name, shipped_dir in NAMED.items():
        if folder == shipped_dir:
            return Goldset(name, shipped_dir, shipped=True)
    if not (folder / LABELS_FILE).is_file():
        raise ValueError(
            f"{str(choice)!r} is neither a golden set ({', '.join(NAMED)}) nor a folder with {LABELS_FILE}"
        )
    return Goldset(str(folder), folder, shipped=False)
