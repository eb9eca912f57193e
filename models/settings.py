"""One Settings model shared by the CLI, the flows and the review app.

Read from MEDLEGAL_* environment variables, then the configuration file, then these defaults. The file is
the one MEDLEGAL_CONFIG names, else `~/.config/medlegal/medlegal.toml` (under XDG_CONFIG_HOME when set),
never one from the working directory: whoever can write a folder medlegal is started in must not choose its
settings. `pipeline.settings.load_settings` refuses a file that others may write, or read when it holds a
secret (SECRET_SETTINGS).
"""

from __future__ import annotations

import os
from enum import StrEnum
from pathlib import Path
from typing import Any, Literal

from pydantic import Field
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)


class OcrMode(StrEnum):
    """How pages choose between their text layer and OCR."""

    AUTO = "auto"
    FORCE_OCR = "force_ocr"
    NEVER_OCR = "never_ocr"


#: Settings whose value is a secret: a configuration file that holds one must be readable by its owner only.
SECRET_SETTINGS = frozenset({"database_url", "review_token", "review_users", "review_secret"})


def config_path() -> Path:
    """The configuration file: MEDLEGAL_CONFIG, else medlegal/medlegal.toml in the user's config folder."""
    named = os.environ.get("MEDLEGAL_CONFIG")
    if named:
        return Path(named)
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "medlegal" / "medlegal.toml"


def _default_workers() -> int:
    return max(1, os.cpu_count() or 1)


class Settings(BaseSettings):
    """Every tunable of medlegal, with safe defaults."""

    model_config = SettingsConfigDict(env_prefix="MEDLEGAL_", extra="forbid")

    # Reading and OCR
    ocr_mode: OcrMode = OcrMode.AUTO
    ocr_dpi: int = Field(300, ge=72, le=600)
    ocr_language: str = "eng"
    ocr_timeout_s: float = Field(60.0, gt=0)
    ocr_workers: int = Field(default_factory=_default_workers, ge=1)
    #: A text layer with fewer characters than this on a page is treated as missing.
    min_text_chars: int = Field(25, ge=0)
    #: Share of text-layer words that must look like words for the layer to be trusted.
    min_text_quality: float = Field(0.6, ge=0, le=1)

    # Limits against hostile input
    max_file_mb: float = Field(256.0, gt=0)
    max_pages: int = Field(1000, ge=1)
    max_page_pixels: int = Field(60_000_000, ge=1)
    #: Largest page of a PDF, in square points (72 to the inch), checked before any page is read: about
    #: 965 square inches (A1 paper is 4.0 million). A text-layer page has no pixels to limit otherwise.
    max_page_area_pt: float = Field(5_000_000.0, gt=0)
    #: Memory (address space) a document worker process may use, with the Tesseract processes it starts.
    worker_memory_mb: int = Field(4096, ge=256)

    # Extraction and review
    #: Confidence below which a value sends the record to review.
    review_confidence: float = Field(0.85, ge=0, le=1)
    #: OCR line confidence (0-100) below which evidence is flagged.
    low_ocr_line_confidence: float = Field(80.0, ge=0, le=100)
    #: Header fields (names, numbers, dates) read by OCR below this line confidence (0-100) go to review.
    field_ocr_confidence: float = Field(90.0, ge=0, le=100)

    # Home folder, store and flows
    home: Path = Path("var")
    database_url: str | None = None
    schedule_cron: str = "0 2 * * *"
    timezone: str = "America/Los_Angeles"
    #: Inbox files modified less than this many seconds ago are re-checked before they are claimed.
    inbox_settle_s: float = Field(2.0, ge=0)
    #: Wall-clock limit for one document; past it the document is quarantined and the batch goes on.
    document_timeout_s: float = Field(900.0, gt=0)
    #: Retries of a document after a transient error (MedlegalError.transient), never after others.
    task_retries: int = Field(2, ge=0)
    task_retry_delay_s: float = Field(5.0, ge=0)
    #: How the flows fan out documents: a thread pool, or Dask (local cluster or `dask_address`).
    task_runner: Literal["threads", "dask"] = "threads"
    #: Documents processed at once (threads, or local Dask workers).
    batch_workers: int = Field(2, ge=1)
    #: Address of an existing Dask scheduler (tcp://host:8786); implies task_runner="dask".
    dask_address: str | None = None
    #: TLS for an existing cluster (`dask_address` tls://...): the CA, and this client's certificate and key
    #: (PEM). A scheduler beyond this machine must be reached over tls:// (flows/tasks.py).
    dask_tls_ca_file: Path | None = None
    dask_tls_cert: Path | None = None
    dask_tls_key: Path | None = None
    #: A claim owned by another host is taken over after this many seconds without its run finishing.
    stale_claim_s: float = Field(6 * 3600.0, gt=0)
    #: Runs that may start a document and die before finishing it; the next one quarantines it instead.
    max_claim_attempts: int = Field(3, ge=1)

    # Review app and export to the case system
    #: Password of the review app (HTTP Basic or the login form), at least 32 characters, shared by everyone
    #: who has it (the audit trail then says "reviewer (shared password)"); needed to bind beyond localhost.
    review_token: str | None = None
    #: Per-user passwords, `{name = "token"}` (each at least 32 characters): the audit trail records the name.
    review_users: dict[str, str] = Field(default_factory=dict)
    #: Host names (or `name:port`) the review app answers to besides 127.0.0.1, localhost and [::1].
    review_allowed_hosts: list[str] = Field(default_factory=list)
    #: Key that signs the review app's CSRF tokens; default: generated once into MEDLEGAL_HOME/review-secret.
    review_secret: str | None = None
    #: A review session ends after this many seconds without a request, and this long after it began.
    review_session_idle_s: float = Field(1800.0, gt=0)
    review_session_max_s: float = Field(12 * 3600.0, gt=0)
    #: Without passwords (this machine only): how long a browser's session, and the name typed into it,
    #: is kept; no idle limit (the machine's own screen lock guards it).
    review_local_session_s: float = Field(30 * 86400.0, gt=0)
    #: Single sign-on: the header (e.g. X-Remote-User) naming the user a reverse proxy signed in; believed
    #: only from `review_trusted_proxies`. Off by default.
    review_proxy_user_header: str | None = None
    #: Failed sign-ins allowed per client, and from all clients together, per review_login_window_s.
    review_login_failures: int = Field(5, ge=1)
    review_login_failures_global: int = Field(50, ge=1)
    review_login_window_s: float = Field(300.0, gt=0)
    #: Mark cookies `Secure` (the app is reached over https, e.g. behind a TLS proxy).
    review_secure_cookies: bool = False
    #: TLS certificate and key (PEM files) for `medlegal review --host` beyond this machine: required there
    #: (reports would cross the network in clear otherwise), unused on 127.0.0.1 (docs/operations.md).
    review_tls_certfile: Path | None = None
    review_tls_keyfile: Path | None = None
    #: A client must send a request's headers within this many seconds (slow "slowloris" clients are
    #: disconnected); connections at once past `review_max_connections` get 503.
    review_header_timeout_s: float = Field(10.0, gt=0)
    review_max_connections: int = Field(100, ge=1)
    #: Addresses of reverse proxies whose X-Forwarded-Proto / X-Forwarded-For the review app believes.
    review_trusted_proxies: list[str] = Field(default_factory=list)
    #: Largest upload request (all its files together), and files per upload request.
    review_upload_max_mb: float = Field(512.0, gt=0)
    review_upload_max_files: int = Field(20, ge=1)
    #: Case-system webhook: `medlegal export` POSTs each approved record there (JSON).
    export_webhook_url: str | None = None
    #: Retries of a failed webhook POST, waiting webhook_backoff_s, then twice that, …
    webhook_retries: int = Field(3, ge=0)
    webhook_backoff_s: float = Field(1.0, ge=0)
    webhook_timeout_s: float = Field(30.0, gt=0)
    #: Allow an `http://` webhook URL to a host other than this machine (records cross the network
    #: unencrypted); https is required otherwise.
    webhook_allow_http: bool = False

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings, env_settings, TomlConfigSettingsSource(settings_cls, toml_file=config_path()))

    def model_post_init(self, context: Any, /) -> None:
        os.environ.setdefault("OMP_THREAD_LIMIT", "1")
