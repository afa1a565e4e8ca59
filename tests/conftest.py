"""Fixtures shared by every test package: isolated settings, databases, test documents, moto's S3 server."""

from __future__ import annotations

import datetime as dt
import importlib.util
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from types import ModuleType

import pytest
from fake_openai import FakeOpenAI
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from extractors.vlm.cost import Throughput
from storage.blobs.s3 import S3Client, make_s3_client

# Prefect reads these when first imported. The in-process flow tests start its ephemeral server, which
# needs ~20 s on 2 busy cores (Prefect's own limit is 20 s), and it must not look for the internet.
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")

REPO = Path(__file__).resolve().parents[1]
VLLM_PYTHON = REPO / ".venv-vllm" / "bin" / "python"
VLLM_READY_TIMEOUT_S = 240.0
# One OCR cache for every test of every session: tests never OCR the same page twice.
TEST_OCR_CACHE = REPO / ".cache" / "test-ocr"
_BUILDERS = REPO / "tests" / "fixtures" / "make_fixtures.py"


def _load(name: str, path: Path) -> ModuleType:
    # tests/ is not a package (pytest runs with --import-mode=importlib), so helpers are loaded by path.
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def load_builders() -> ModuleType:
    return _load("abstractor_test_make_fixtures", _BUILDERS)


@pytest.fixture(scope="session")
def builders() -> ModuleType:
    """The document builders of tests/fixtures/make_fixtures.py."""
    return load_builders()


@pytest.fixture(scope="session")
def ocr_cache_dir() -> Path:
    return TEST_OCR_CACHE


@pytest.fixture(autouse=True)
def _isolated_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No test reads the developer's settings or writes into the working tree's data home."""
    for name in list(os.environ):
        if name.startswith("ABSTRACTOR_") and name != "ABSTRACTOR_TEST_POSTGRES_URL":
            monkeypatch.delenv(name)
    monkeypatch.setenv("ABSTRACTOR_CONFIG", str(tmp_path / "no-such-abstractor.toml"))


def postgres_url() -> str:
    url = os.environ.get("ABSTRACTOR_TEST_POSTGRES_URL")
    if not url:
        pytest.fail("ABSTRACTOR_TEST_POSTGRES_URL is not set: run the suite with `make test`")
    return url


@pytest.fixture
def fresh_postgres_url() -> Iterator[str]:
    """A new, empty PostgreSQL database for one test, dropped afterwards."""
    admin_url = make_url(postgres_url())
    name = f"abstractor_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(admin_url.set(drivername="postgresql+psycopg"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield admin_url.set(drivername="postgresql+psycopg", database=name).render_as_string(
            hide_password=False
        )
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The same test against SQLite and PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'abstractor.db'}"
    return request.getfixturevalue("fresh_postgres_url")


# --- servers the tests start: one way to start, wait for and stop them ---


@contextmanager
def background_server(
    command: list[str],
    ready_url: str,
    log: Path,
    *,
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
    timeout_s: float = 90.0,
    new_session: bool = False,
) -> Iterator[subprocess.Popen[bytes]]:
    """Run `command` (output to `log`) until `ready_url` answers 200; terminate it (then kill) at the end."""
    with log.open("wb") as sink:
        process = subprocess.Popen(
            command, env=env, cwd=cwd, stdout=sink, stderr=subprocess.STDOUT, start_new_session=new_session
        )
    try:
        deadline = time.monotonic() + timeout_s
        while True:
            if process.poll() is not None:
                pytest.fail(f"{command[0]} exited with {process.returncode}:\n{log.read_text()[-4000:]}")
            try:
                with urllib.request.urlopen(ready_url, timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail(f"{ready_url} did not answer in {timeout_s} s:\n{log.read_text()[-4000:]}")
                time.sleep(0.2)
        yield process
    finally:
        stop_process(process, group=new_session)


def stop_process(process: subprocess.Popen[bytes], *, group: bool = False) -> None:
    """Terminate, then kill after 30 s; `group`: the process's whole session (servers that fork workers)."""
    send = (lambda sig: os.killpg(process.pid, sig)) if group else process.send_signal
    send(signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        send(signal.SIGKILL)
        process.wait()


@pytest.fixture(scope="session")
def start_server() -> Callable[..., AbstractContextManager[subprocess.Popen[bytes]]]:
    """`background_server` for the test packages (tests/ is not importable as a package)."""
    return background_server


@pytest.fixture(scope="session")
def stop() -> Callable[..., None]:
    """`stop_process` for the test packages."""
    return stop_process


# --- moto's standalone S3 server, started once per session and reached over real HTTP by boto3 ---

REGION = "us-east-1"


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def moto_endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The URL of a moto S3 server on 127.0.0.1, with fake credentials in the environment."""
    work = tmp_path_factory.mktemp("moto")
    with pytest.MonkeyPatch.context() as mp:
        # boto3 reads credentials from the environment; point its config files at nothing so a real
        # ~/.aws profile on the machine can never leak into (or be used by) the tests.
        mp.setenv("AWS_ACCESS_KEY_ID", "testing")
        mp.setenv("AWS_SECRET_ACCESS_KEY", "testing")
        mp.setenv("AWS_DEFAULT_REGION", REGION)
        mp.setenv("AWS_CONFIG_FILE", str(work / "no-config"))
        mp.setenv("AWS_SHARED_CREDENTIALS_FILE", str(work / "no-credentials"))
        for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN", "AWS_ENDPOINT_URL"):
            mp.delenv(name, raising=False)
        port = _free_port()
        url = f"http://127.0.0.1:{port}"
        command = [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)]
        with background_server(command, f"{url}/moto-api/", work / "moto.log", timeout_s=60):
            yield url


@pytest.fixture(scope="session")
def aws_region() -> str:
    return REGION


@pytest.fixture(scope="session")
def free_port() -> Callable[[], int]:
    """A function returning a TCP port on 127.0.0.1 that nothing listens on."""
    return _free_port


@pytest.fixture
def s3_client(moto_endpoint: str) -> S3Client:
    return make_s3_client(moto_endpoint, REGION)


@pytest.fixture
def s3_bucket(s3_client: S3Client) -> str:
    """A fresh, empty bucket per test: the server lives all session, so tests must not share buckets."""
    name = f"test-{uuid.uuid4().hex[:16]}"
    s3_client.create_bucket(Bucket=name)
    return name


# --- the real vLLM server (tier `vllm`), once per session ---


@pytest.fixture(scope="session")
def vllm_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Base URL of a vLLM server serving the tiny model as `small` and `large`."""
    if not VLLM_PYTHON.exists():
        pytest.fail(f"{VLLM_PYTHON} is missing: run `make vllm-env` (scripts/vllm/setup.sh) first")
    workdir = tmp_path_factory.mktemp("vllm")
    model_dir, log = workdir / "tiny-qwen2.5-vl", workdir / "server.log"
    env = {
        **os.environ,
        "HF_HUB_OFFLINE": "1",
        "VLLM_NO_USAGE_STATS": "1",
        "VLLM_CPU_KVCACHE_SPACE": "1",
        "VLLM_TARGET_DEVICE": "cpu",
    }
    builder = REPO / "scripts" / "vllm" / "build_tiny_model.py"
    subprocess.run([str(VLLM_PYTHON), str(builder), str(model_dir)], env=env, check=True, capture_output=True)
    port = _free_port()
    command = [
        str(VLLM_PYTHON), "-m", "vllm.entrypoints.openai.api_server",
        "--model", str(model_dir), "--served-model-name", "small", "large",
        "--host", "127.0.0.1", "--port", str(port),
        "--dtype", "bfloat16", "--max-model-len", "8192", "--max-num-seqs", "4", "--max-logprobs", "20",
        "--enforce-eager", "--limit-mm-per-prompt", '{"image":1,"video":0}',
        # The image-size tests send max_pixels per request: vLLM refuses that unless told to trust it.
        "--trust-request-mm-kwargs",
        "--structured-outputs-config", '{"backend":"xgrammar","disable_any_whitespace":true}',
    ]  # fmt: skip
    ready = f"http://127.0.0.1:{port}/health"
    with background_server(command, ready, log, env=env, cwd=workdir, timeout_s=VLLM_READY_TIMEOUT_S):
        yield f"http://127.0.0.1:{port}/v1"


# --- a small searchable data home: golden-set documents ingested and indexed, and users of every role ---

GOLDSET_DOCUMENTS = REPO / "goldset" / "data" / "documents"
# nda-0021 is in both matters (the same bytes): its blobs are shared, its pages are not.
SEARCH_MATTERS = {
    "alpha": ["nda-0021.pdf", "sow-0023.pdf"],
    "beta": ["nda-0077.pdf", "employment-0025.pdf", "nda-0021.pdf"],
}
SEARCH_USERS = {
    "alice": ("lawyer", ["alpha"]),
    "bob": ("lawyer", ["beta"]),
    "ann": ("analyst", []),
    "root": ("admin", []),
}


def write_inbox(folder: Path, matters: dict[str, list[str]]) -> Path:
    for matter, names in matters.items():
        (folder / matter).mkdir(parents=True, exist_ok=True)
        for name in names:
            shutil.copyfile(GOLDSET_DOCUMENTS / name, folder / matter / name)
    return folder


@pytest.fixture(scope="session")
def search_corpus(tmp_path_factory: pytest.TempPathFactory, ocr_cache_dir: Path) -> Path:
    """A data home holding SEARCH_MATTERS ingested (rules engine, text index) and SEARCH_USERS.

    Built once per session; tests that change it work on a copy (`search_home`).
    """
    from abstractor.jobs import ingest_job
    from abstractor.settings import IngestSettings, Settings
    from pipeline.ingest import run_ingest
    from pipeline.ingest_setup import build_context
    from storage.db.access import add_user

    root = tmp_path_factory.mktemp("search-corpus")
    with pytest.MonkeyPatch.context() as mp:  # the function-scoped isolation has not run yet
        for name in list(os.environ):
            if name.startswith("ABSTRACTOR_"):
                mp.delenv(name)
        mp.setenv("ABSTRACTOR_CONFIG", str(root / "no-such-abstractor.toml"))
        settings = Settings(
            data_home=root / "home", ocr_cache_dir=ocr_cache_dir, ingest=IngestSettings(workers=2)
        )
        job = ingest_job(settings, [str(write_inbox(root / "inbox", SEARCH_MATTERS))], None)
        context = build_context(job)
        try:
            tally = run_ingest(context, job)
            assert tally.documents["failed"] == 0, tally.failures
            for name, (role, matters) in SEARCH_USERS.items():
                add_user(context.db, name, role, matters)
        finally:
            context.close()
            context.db.dispose()
    return root / "home"


@pytest.fixture
def search_home(search_corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private copy of the search corpus, named by ABSTRACTOR_DATA_HOME for the CLI."""
    import shutil

    home = tmp_path / "home"
    shutil.copytree(search_corpus, home, symlinks=True)
    monkeypatch.setenv("ABSTRACTOR_DATA_HOME", str(home))
    return home


CLAUSE_TEXT = "Either party may terminate this Agreement for convenience on thirty (30) days' notice."
# Known clause answers written over the engine's: (matter, file) -> {slug: present}; every other clause
# of every document is unknown (not read).
STORED_CLAUSES = {
    ("alpha", "sow-0023.pdf"): {"termination_for_convenience": True, "anti_assignment": False},
    ("beta", "nda-0077.pdf"): {"termination_for_convenience": False, "anti_assignment": True},
}


@pytest.fixture
def stored_clauses(search_home: Path) -> dict[tuple[str, str], int]:
    """The search corpus with STORED_CLAUSES as its clause answers, indexed again; (matter, file) -> id.

    A present clause's evidence is CLAUSE_TEXT in a box on page 1; an absent one has no evidence.
    """
    from sqlalchemy import select
    from typer.testing import CliRunner

    from abstractor.cli import app
    from abstractor.settings import Settings
    from storage.db import Document, Extraction, Matter, Page, open_database

    db = open_database(Settings().resolved_database_url)
    ids: dict[tuple[str, str], int] = {}
    try:
        with db.session() as session:
            rows = session.execute(
                select(Matter.name, Document.filename, Extraction)
                .join(Document, Document.matter_id == Matter.id)
                .join(Extraction, Extraction.document_id == Document.id)
                .where(Extraction.page_number.is_(None))
            ).all()
            for matter, filename, extraction in rows:
                ids[(matter, filename)] = extraction.document_id
                page = session.scalar(
                    select(Page).where(Page.document_id == extraction.document_id, Page.number == 1)
                )
                fields = {k: v for k, v in extraction.fields.items() if not k.startswith("clauses.")}
                for slug, present in STORED_CLAUSES.get((matter, filename), {}).items():
                    evidence = {
                        "page": 1,
                        "text": CLAUSE_TEXT,
                        "bbox": {"x0": 100, "y0": 200, "x1": 900, "y1": 320},
                        "page_width": page.width,
                        "page_height": page.height,
                    }
                    item = {"value": present, "confidence": 0.9, "evidence": evidence if present else None,
                            "engine": "rules", "model": "clauses-test"}  # fmt: skip
                    fields[f"clauses.{slug}"] = {"items": [item], "confidence": 0.9, "conflicts": []}
                extraction.fields = fields  # a new dict: SQLAlchemy sees the JSON column change
    finally:
        db.dispose()
    reindexed = CliRunner().invoke(app, ["reindex", "--json"])
    assert reindexed.exit_code == 0, reindexed.output
    return ids


# --- the scripted OpenAI-compatible server (tests/fixtures/fake_openai.py) ---


@pytest.fixture
def fake_openai_factory() -> Iterator[Callable[..., FakeOpenAI]]:
    """Starts scripted servers (on `port`, to bring one back where another was); stops them after."""
    servers: list[FakeOpenAI] = []

    def start(port: int = 0) -> FakeOpenAI:
        servers.append(FakeOpenAI(port).start())
        return servers[-1]

    yield start
    for server in servers:
        server.stop()


@pytest.fixture
def fake_openai(fake_openai_factory: Callable[[], FakeOpenAI]) -> FakeOpenAI:
    return fake_openai_factory()


@pytest.fixture
def dead_url() -> str:
    """A base URL where nothing listens: connections are refused."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/v1"


@pytest.fixture(scope="session")
def throughput_at() -> Callable[[float], Throughput]:
    """A server's throughput as `bench/vlm_client.py --write` records it, at `pages_per_hour`."""

    def measured(pages_per_hour: float) -> Throughput:
        return Throughput(
            pages_per_hour=pages_per_hour,
            in_flight=32,
            pages=320,
            prompt_tokens_per_page=2100.0,
            completion_tokens_per_page=180.0,
            measured_at=dt.datetime(2026, 12, 6, 20, 0, tzinfo=dt.UTC),
            base_url="http://gpu:8001/v1",
        )

    return measured
