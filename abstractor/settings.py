"""The one settings object, read once at the faces (CLI, web app, flow entry points) and passed down.

Sources, strongest first: keyword arguments, `ABSTRACTOR_*` environment variables (nested groups with a
double underscore, e.g. `ABSTRACTOR_RENDER__DPI=300`), the TOML file (`ABSTRACTOR_CONFIG`, else
`./abstractor.toml` when it exists), then the defaults below.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from extractors.engines.config import ExtractionConfig
from extractors.ocr import OcrConfig
from extractors.render import RenderConfig
from retrieval.embedders import EmbedderConfig
from retrieval.index import IndexConfig


class IngestSettings(BaseModel):
    sources: list[str] = Field(default_factory=list, description="Sources of the nightly ingest.")
    workers: int = Field(
        default_factory=lambda: os.cpu_count() or 1, ge=1, description="CPU-stage pool size."
    )
    documents_in_flight: int = Field(default=2, ge=1, description="Documents processed at once per run.")
    lease_seconds: int = Field(default=900, ge=30, description="How long a run may hold a document.")
    max_failed_page_share: float = Field(
        default=0.5,
        ge=0.0,
        le=1.0,
        description="Error budget: a document with more than this share of pages failed is failed.",
    )
    index: bool = Field(
        default=True, description="Index pages for search; off: render, OCR and extract only."
    )
    follow_links: bool = Field(
        default=False,
        description="Follow symbolic links under a source whose target stays under its root; "
        "off: every link is a failure of the run.",
    )


class BlobSettings(BaseModel):
    url: str | None = Field(
        default=None, description="Folder or s3://bucket/prefix; default <data_home>/blobs."
    )
    s3_endpoint_url: str | None = Field(default=None, description="For MinIO or another S3-compatible store.")
    s3_region: str | None = None


class GoldsetSettings(BaseModel):
    dir: Path = Field(
        default=Path(__file__).resolve().parents[1] / "goldset" / "data",
        description="The golden set `abstractor eval` scores without --goldset: a folder (documents + "
        "labels.jsonl) or a shipped set's name (synthetic, cuad).",
    )
    scan_seed: int = Field(default=0, description="Seed of the degradations applied to clean PDFs.")
    nightly: list[str] = Field(
        default_factory=lambda: ["synthetic", "cuad"],
        min_length=1,
        description="The golden sets the nightly eval scores (names or folders), each with its own trend.",
    )


class ServerSettings(BaseModel):
    host: str = Field(default="127.0.0.1", description="Where `abstractor serve` listens.")
    port: int = Field(default=8000, ge=1, le=65535)
    url: str | None = Field(
        default=None,
        description="A running server the CLI sends searches to; default: the one `serve` started here.",
    )
    outbox_interval_s: float = Field(
        default=2.0, gt=0, description="How often the server applies the outbox."
    )
    trusted_proxies: list[str] = Field(
        default_factory=list,
        description="Addresses of the reverse proxies whose X-Forwarded-For / -Proto are believed (the "
        "client address in the audit log and the sign-in limiter, https for Secure cookies); default none: "
        "every request's address is its own peer's.",
    )


class PrefectSettings(BaseModel):
    api_url: str | None = Field(
        default=None, description="Prefect server API (http://host:4200/api); default: ephemeral, in process."
    )
    work_pool: str = Field(default="abstractor", description="Process work pool of `deploy` and `worker`.")
    ingest_cron: str = Field(default="0 2 * * *", description="Schedule of the nightly ingest.")
    eval_cron: str = Field(default="0 5 * * *", description="Schedule of the nightly accuracy run.")
    timezone: str = Field(default="UTC", description="Time zone of the schedules.")
    task_runner: Literal["threads", "dask"] = Field(
        default="threads", description="How a run spreads its documents: threads here, or a Dask cluster."
    )
    dask_address: str | None = Field(default=None, description="Dask scheduler (tcp://host:8786).")
    endpoint_concurrency: int = Field(
        default=16, ge=1, description="Documents extracted at once per model endpoint, across all workers."
    )


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="ABSTRACTOR_",
        env_nested_delimiter="__",
        extra="ignore",
    )

    data_home: Path = Field(default=Path(".abstractor"), description="Database, blobs, index, Prefect home.")
    database_url: str | None = Field(default=None, description="SQLAlchemy URL; default SQLite in data_home.")
    ocr_cache_dir: Path | None = Field(default=None, description="OCR cache; default <data_home>/cache/ocr.")
    blobs: BlobSettings = Field(default_factory=BlobSettings)
    render: RenderConfig = Field(default_factory=RenderConfig)
    ocr: OcrConfig = Field(default_factory=OcrConfig)
    ingest: IngestSettings = Field(default_factory=IngestSettings)
    extraction: ExtractionConfig = Field(default_factory=ExtractionConfig)
    goldset: GoldsetSettings = Field(default_factory=GoldsetSettings)
    index: IndexConfig = Field(
        default_factory=IndexConfig, description="Page index; default <data_home>/index."
    )
    embedders: EmbedderConfig = Field(default_factory=EmbedderConfig)
    server: ServerSettings = Field(default_factory=ServerSettings)
    prefect: PrefectSettings = Field(default_factory=PrefectSettings)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        toml_path = Path(os.environ.get("ABSTRACTOR_CONFIG", "abstractor.toml"))
        sources: list[PydanticBaseSettingsSource] = [init_settings, env_settings]
        if toml_path.is_file():
            sources.append(TomlConfigSettingsSource(settings_cls, toml_file=toml_path))
        return tuple(sources)

    # Derived locations: everything lives under the data home unless a setting points elsewhere.
    @property
    def resolved_database_url(self) -> str:
        return self.database_url or f"sqlite:///{(self.data_home / 'abstractor.db').resolve()}"

    @property
    def resolved_blobs_url(self) -> str:
        return self.blobs.url or str((self.data_home / "blobs").resolve())

    @property
    def resolved_ocr_cache_dir(self) -> Path:
        return (self.ocr_cache_dir or self.data_home / "cache" / "ocr").resolve()

    @property
    def resolved_index(self) -> IndexConfig:
        if self.index.backend == "embedded" and self.index.path is None:
            return self.index.model_copy(update={"path": (self.data_home / "index").resolve()})
        return self.index

    @property
    def server_file(self) -> Path:
        """Written by `abstractor serve` while it runs: how the CLI finds it (and the index's owner)."""
        return (self.data_home / "server.json").resolve()

    @property
    def prefect_home(self) -> Path:
        return (self.data_home / "prefect").resolve()
