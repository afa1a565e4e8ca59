"""`abstractor doctor`: is this machine ready, and how to fix what is missing."""

from __future__ import annotations

import shutil
import stat
import subprocess
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import httpx
import typer
from sqlalchemy.engine import make_url

from abstractor.cli.common import Exit, load_settings
from abstractor.settings import Settings
from extractors.vlm.client import EndpointConfig
from retrieval.index import PAGE, PASSAGE, IndexBusy, open_index
from storage.blobs import open_blob_store
from storage.db import open_database


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str
    fix: str = ""
    # Works, but should be fixed: printed with its fix, without failing the exit status.
    warning: bool = False


def _command_version(command: list[str]) -> str:
    completed = subprocess.run(command, capture_output=True, text=True, timeout=30, check=False)
    return (completed.stdout + completed.stderr).strip().splitlines()[0]


def check_poppler(_settings: Settings) -> Check:
    if shutil.which("pdftoppm") is None or shutil.which("pdfinfo") is None:
        return Check("poppler", False, "pdftoppm/pdfinfo not found", "apt-get install poppler-utils")
    return Check("poppler", True, _command_version(["pdftoppm", "-v"]))


def check_tesseract(settings: Settings) -> Check:
    fix = f"apt-get install tesseract-ocr tesseract-ocr-{settings.ocr.lang}"
    if shutil.which("tesseract") is None:
        return Check("tesseract", False, "tesseract not found", fix)
    languages = subprocess.run(
        ["tesseract", "--list-langs"], capture_output=True, text=True, timeout=30, check=False
    ).stdout.split()
    missing = [lang for lang in (*settings.ocr.lang.split("+"), "osd") if lang not in languages]
    if missing:
        return Check("tesseract", False, f"language data missing: {', '.join(missing)}", fix)
    return Check("tesseract", True, _command_version(["tesseract", "--version"]))


def check_database(settings: Settings) -> Check:
    try:
        db = open_database(settings.resolved_database_url)
        db.dispose()
    except Exception as error:
        return Check(
            "database",
            False,
            f"{settings.resolved_database_url}: {error}",
            "check ABSTRACTOR_DATABASE_URL and that the server is running",
        )
    return Check("database", True, db.url)


def check_blobs(settings: Settings) -> Check:
    url = settings.resolved_blobs_url
    try:
        store = open_blob_store(
            url, s3_endpoint_url=settings.blobs.s3_endpoint_url, s3_region=settings.blobs.s3_region
        )
        key = f"doctor/{uuid.uuid4().hex}"
        store.put(key, b"ok")
        readable = store.get(key) == b"ok"
        store.delete(key)
    except Exception as error:
        return Check(
            "blob store",
            False,
            f"{url}: {error}",
            "check ABSTRACTOR_BLOBS__URL, the S3 endpoint and credentials",
        )
    return Check("blob store", readable, url)


def _endpoint_problems(endpoint: EndpointConfig) -> list[str]:
    problems = []
    for url in endpoint.base_urls:
        try:
            response = httpx.get(f"{url}/models", timeout=endpoint.health_timeout_s * 2)
            served = {model["id"] for model in response.json().get("data", [])}
            if endpoint.model not in served:
                problems.append(f"{url} does not serve {endpoint.model} (it serves {sorted(served)})")
        except (httpx.HTTPError, ValueError) as error:
            problems.append(f"{url}: {type(error).__name__}: {error}")
    return problems


def check_engines(settings: Settings) -> Check:
    extraction = settings.extraction
    engine = extraction.resolved_engine
    if engine == "none":
        return Check("extraction", True, "switched off (extraction.engine = none)")
    if engine == "rules":
        return Check("extraction", True, "embedded OCR-rules engine (no model endpoint configured)")
    endpoints = [e for e in (extraction.small, extraction.large) if e is not None]
    problems = [problem for endpoint in endpoints for problem in _endpoint_problems(endpoint)]
    if problems:
        return Check(
            "extraction",
            False,
            "; ".join(problems),
            "start the model servers or fix ABSTRACTOR_EXTRACTION__SMALL__BASE_URL / __MODEL",
        )
    return Check("extraction", True, "VLM cascade: " + ", ".join(e.model for e in endpoints))


def check_index(settings: Settings) -> Check:
    if not settings.ingest.index:
        return Check("index", True, "switched off (ingest.index = false)")
    config = settings.resolved_index
    where = config.url if config.backend == "server" else str(config.path)
    try:
        index = open_index(config)
        pages, passages = index.count(PAGE), index.count(PASSAGE)
        index.close()
    except IndexBusy:
        # The embedded index has one owner at a time: the web server while it runs.
        return Check("index", True, f"{where}: held by another process (the web server owns it)")
    except Exception as error:  # any failure is the answer
        return Check(
            "index",
            False,
            f"{config.backend} index at {where}: {error}",
            "check ABSTRACTOR_INDEX__URL / __API_KEY, or the index folder's permissions",
        )
    return Check("index", True, f"{config.backend} index at {where}: {pages} pages, {passages} passages")


def _sqlite_file(url: str) -> Path | None:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return None
    return Path(parsed.database)


def check_permissions(settings: Settings) -> Check:
    """The data home and the SQLite database readable by the service account only (see docs/threats.md)."""
    paths = [settings.data_home.resolve()]
    database = _sqlite_file(settings.resolved_database_url)
    if database is not None:
        paths += [
            database,
            database.with_name(f"{database.name}-wal"),
            database.with_name(f"{database.name}-shm"),
        ]
    # Only what exists: doctor runs before the first ingest too, and a missing file exposes nothing.
    exposed = [(path, stat.S_IMODE(path.stat().st_mode)) for path in paths if path.exists()]
    exposed = [(path, mode) for path, mode in exposed if mode & 0o077]
    if not exposed:
        return Check("permissions", True, f"{paths[0]}: private to the service account")
    return Check(
        "permissions",
        True,
        "; ".join(
            f"{path} is mode {mode:04o}: other local users can read every matter" for path, mode in exposed
        ),
        "; ".join(f"chmod -R go-rwx {path}" for path, _ in exposed),
        warning=True,
    )


CHECKS: tuple[Callable[[Settings], Check], ...] = (
    check_poppler,
    check_tesseract,
    check_database,
    check_blobs,
    check_engines,
    check_index,
    check_permissions,
)


def doctor() -> None:
    """Check poppler, tesseract, the database, the blob store, the model endpoints, the index and who
    may read the data home.

    Exit status: 0 when everything works (warnings included), 2 when something needs fixing (each with
    how to fix it).
    """
    settings = load_settings()
    results = [check(settings) for check in CHECKS]
    for result in results:
        mark = "FAIL" if not result.ok else "warn" if result.warning else "ok  "
        typer.echo(f"[{mark}] {result.name}: {result.detail}")
        if (not result.ok or result.warning) and result.fix:
            typer.echo(f"       fix: {result.fix}")
    if not all(result.ok for result in results):
        raise typer.Exit(int(Exit.usage))


def register(app: typer.Typer) -> None:
    app.command()(doctor)
