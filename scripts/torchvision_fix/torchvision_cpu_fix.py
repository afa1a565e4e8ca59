"""Let the CUDA torchvision wheel import beside the CPU torch (environment repair, not product code).

PyPI's torchvision 0.28.0+cu130 ships a `_C.so` that needs `libtorch_cuda.so`; beside the CPU torch the
library does not load, the `torchvision::nms` op schema is never defined, and `import torchvision` dies in
`_meta_registrations` with "operator torchvision::nms does not exist". Transformers' Qwen2-VL processors and
colpali-engine import torchvision, so they die too.

The installer copies this file into site-packages as `abstractor_torchvision_cpu_fix.py` and adds a `.pth`
line calling `install()`. That only puts a finder on `sys.meta_path` (no torch import at start-up); on the
first `import torchvision` the finder tries the real import and, on exactly that error, drops the
half-imported modules, defines the `nms`/`qnms` schemas and imports again. The pure-Python parts that
transformers uses (`transforms.v2`) then work; the C++ ops stay unavailable, as on any CPU-less build.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import sys
import types

BROKEN_OP_MESSAGE = "operator torchvision::nms does not exist"
_SCHEMAS = (
    "nms(Tensor dets, Tensor scores, float iou_threshold) -> Tensor",
    "qnms(Tensor dets, Tensor scores, float iou_threshold) -> Tensor",
)
_libraries: list[object] = []  # torch.library.Library objects: a dropped one would undefine the schemas


def _define_op_schemas() -> None:
    import torch

    library = torch.library.Library("torchvision", "DEF")
    for schema in _SCHEMAS:
        library.define(schema)
    _libraries.append(library)


def import_torchvision() -> types.ModuleType:
    """Import torchvision, repairing the missing op schemas once if (and only if) that is what failed."""
    try:
        return importlib.import_module("torchvision")
    except RuntimeError as error:
        if BROKEN_OP_MESSAGE not in str(error):
            raise
    for name in [n for n in sys.modules if n == "torchvision" or n.startswith("torchvision.")]:
        del sys.modules[name]
    _define_op_schemas()
    return importlib.import_module("torchvision")


class _AlreadyImported(importlib.abc.Loader):
    """Hands the import machinery the module the finder has already imported, unchanged."""

    def __init__(self, module: types.ModuleType) -> None:
        self.module = module
        self.real_spec = module.__spec__

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> types.ModuleType:
        return self.module

    def exec_module(self, module: types.ModuleType) -> None:
        # The machinery stamped the shim spec on the module; give it back its real one.
        module.__spec__ = self.real_spec


class TorchvisionFixFinder(importlib.abc.MetaPathFinder):
    abstractor_torchvision_fix = True  # lets the installer's check import torchvision without the fix

    def find_spec(
        self, fullname: str, path: object, target: object = None
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname != "torchvision":
            return None
        sys.meta_path.remove(self)  # one try per interpreter; the nested import must not come back here
        module = import_torchvision()
        return importlib.machinery.ModuleSpec(fullname, _AlreadyImported(module), is_package=True)


def install() -> None:
    """Put the finder first on sys.meta_path (called from the .pth file at interpreter start-up)."""
    if "torchvision" in sys.modules:
        return
    if not any(getattr(f, "abstractor_torchvision_fix", False) for f in sys.meta_path):
        sys.meta_path.insert(0, TorchvisionFixFinder())
