# The GPU embedding worker: the app image with CUDA torch, for ColPali (colqwen2.5) page vectors.
# Build from the repository root: docker build -f infra/embedder.Dockerfile -t abstractor-embedder:0.1.0 .
# Runs `abstractor reindex` by default (embed every OCR'd document's pages, replace its points in Qdrant);
# any other verb works too, e.g. `worker`, to run the nightly ingest (which embeds new pages) on a GPU host.
#
# CUDA comes with torch's own wheel: PyPI's Linux torch wheels are CUDA builds that bring the CUDA runtime,
# cuDNN and NCCL as nvidia-* wheels, so a slim Python base is enough; the NVIDIA container toolkit supplies
# the driver. The torch pin is the project's (pyproject.toml: torch==2.13.0, what colpali-engine accepts).
FROM python:3.11-slim-bookworm

# poppler and tesseract as in the app image: `ingest` renders and OCRs; `reindex` needs neither, but one
# image serves both verbs. curl for health checks.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        poppler-utils tesseract-ocr tesseract-ocr-eng tesseract-ocr-osd curl \
    && rm -rf /var/lib/apt/lists/*

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    OMP_THREAD_LIMIT=1 \
    # No weights are downloaded at run time: mount them (compose: ${ABSTRACTOR_MODELS}:/models).
    HF_HUB_OFFLINE=1 \
    PREFECT_SERVER_ANALYTICS_ENABLED=false \
    ABSTRACTOR_DATA_HOME=/data \
    ABSTRACTOR_EMBEDDERS__DEVICE=cuda

WORKDIR /app
# The CUDA build of torch first (PyPI's default index), so `pip install .` finds its pin satisfied.
RUN pip install torch==2.13.0

COPY pyproject.toml README.md ./
RUN mkdir -p abstractor flows goldset extractors retrieval storage schemas \
    && pip install . && pip uninstall -y abstractor
COPY abstractor ./abstractor
COPY flows ./flows
COPY goldset ./goldset
COPY extractors ./extractors
COPY retrieval ./retrieval
COPY storage ./storage
COPY schemas ./schemas
RUN pip install --no-deps . \
    && python -c "import torch, colpali_engine; print('torch', torch.__version__, 'cuda', torch.version.cuda)"

RUN useradd --create-home --uid 1000 abstractor && mkdir -p /data && chown abstractor /data
USER abstractor
VOLUME ["/data"]
ENTRYPOINT ["abstractor"]
CMD ["reindex"]
