"""Configuration, read from `LADDER_*` environment variables (and a `.env` file if present)."""

from pathlib import Path
from typing import Literal

import platformdirs
from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

PACKAGE_DIR = Path(__file__).resolve().parent


def bundled(name: str) -> Path:
    """`migrations` or `catalogue`: the copy a wheel carries in service/_data/, else (an editable
    install, or the source tree on PYTHONPATH) the repository's top-level directory."""
    packaged = PACKAGE_DIR / "_data" / name
    return packaged if packaged.is_dir() else PACKAGE_DIR.parent / name


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="LADDER_", env_file=".env", extra="ignore")

    database_url: str | None = Field(
        default=None,
        description="PostgreSQL 15+ URL. Unset: the embedded PostgreSQL in data_dir is used.",
    )
    data_dir: Path = Field(
        default=Path(platformdirs.user_data_dir("ladder")),
        description="Where the embedded PostgreSQL keeps its files.",
    )
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    workers: int = Field(default=1, ge=1, description="Server processes for `ladder serve`.")
    pool_min_size: int = Field(default=2, ge=0)
    pool_max_size: int = Field(default=10, ge=1, description="The request pool's size; each "
                               "process also keeps a lease pool of at most 2 connections for "
                               "its syncs' running rows (`syncs.create_pool`).")
    durable_read_audit: bool = Field(
        default=False,
        description="Make reads wait for their audit row to reach the disk, as writes do "
                    "(migration 0018 says what is at stake).",
    )
    migrations_dir: Path = Field(default=bundled("migrations"),
                                 description="SQL migrations; the installed copy by default.")
    catalogue_dir: Path = Field(default=bundled("catalogue"),
                                description="Reference data; the installed copy by default.")
    max_body_bytes: int = Field(default=20 * 1024 * 1024, ge=1024)
    token_default_days: int = Field(default=90, ge=1, description="Lifetime of API tokens.")
    token_cache_seconds: float = Field(default=1.0, ge=0, le=2, description="How long a "
                                       "server process may answer a token from memory; a "
                                       "token revoked elsewhere is refused here within this "
                                       "time.")
    catalogue_max_bytes: int = Field(default=20 * 1024 * 1024, ge=1024,
                                     description="Largest catalogue body or pulled feed.")
    run_scheduler: bool = Field(default=True, description="Run the background jobs (course "
                                "feeds, skill inference, priority scores) inside serve.")
    sync_lease_seconds: float = Field(default=300.0, gt=0, le=86400, description="How long a "
                                      "running catalogue sync's lease lasts (renewed every "
                                      "third of it while the sync runs); a sync whose process "
                                      "died is listed as abandoned once its lease runs out.")
    feed_allow_private: bool = Field(default=False, description="Allow feed URLs on private, "
                                     "loopback or link-local addresses.")
    feed_timeout_seconds: float = Field(default=30.0, gt=0)
    feed_retries: int = Field(default=3, ge=0, description="Retries after a failed pull.")
    feed_backoff_seconds: float = Field(default=2.0, ge=0, description="First retry delay; "
                                        "doubled for each further retry.")
    feed_poll_seconds: float = Field(default=60.0, gt=0, description="How often the scheduler "
                                     "runs a round of background jobs.")
    review_offer_hours: float = Field(default=24.0, gt=0, le=336, description="How long a "
                                      "review slot offered from the waiting list is held for "
                                      "the worker it is offered to.")
    enrolment_offer_hours: float = Field(default=48.0, gt=0, le=336, description="How long "
                                         "a course place offered from a presentation's "
                                         "waiting list is held for the worker it is offered "
                                         "to.")
    smtp_url: SecretStr | None = Field(default=None, description="Where the outbox sends mail: "
                                       "smtp://[user:password@]host[:port] or smtps://... "
                                       "Unset: each message is printed to the log instead.")
    smtp_starttls: Literal["auto", "always", "never"] = Field(
        default="auto", description="STARTTLS on smtp:// URLs: when the server offers it, "
        "required, or never.")
    smtp_timeout_seconds: float = Field(default=30.0, gt=0, le=600,
                                        description="Time limit of one SMTP delivery.")
    mail_from: str = Field(default="Ladder <ladder@localhost>", min_length=3,
                           description="The From of the outbox's messages.")
    outbox_max_attempts: int = Field(default=8, ge=1, le=100, description="Delivery attempts "
                                     "before a message is marked failed.")
    outbox_backoff_seconds: float = Field(default=60.0, ge=0, description="Wait after a failed "
                                          "delivery; doubled for each further failure.")
    outbox_backoff_max_seconds: float = Field(default=6 * 3600.0, ge=0, description="Longest "
                                              "wait between delivery attempts.")
    outbox_keep_days: int = Field(default=30, ge=1, le=3660, description="Days a sent, failed "
                                  "or cancelled message keeps its address and text before the "
                                  "outbox redacts them.")
    transparency_website: str | None = Field(
        default=None, pattern=r"^https?://\S+$", max_length=500,
        description="The scheme's public web page, named in the algorithmic transparency "
        "record (GET /v1/transparency); unset: this service's own address.")
    transparency_contact: str | None = Field(
        default=None, pattern=r"^[^@\s]+@[^@\s]+$", max_length=300,
        description="The email address the transparency record gives for questions and "
        "challenges; unset: the address of LADDER_MAIL_FROM.")
    retention_inactive_years: int = Field(default=6, ge=1, le=100, description="`ladder "
                                          "retention` pseudonymises workers whose data nobody "
                                          "but the system has read or changed for this long.")
    audit_retention_years: int = Field(default=7, ge=1, le=100, description="`ladder "
                                       "retention` deletes audit rows older than this.")
    import_max_bytes: int = Field(default=10 * 1024 * 1024, ge=1024, description="Largest CSV "
                                  "file POST /v1/workers/import reads (413 past it).")
    import_max_rows: int = Field(default=50_000, ge=1, description="Most data rows in one "
                                 "worker import (422 past it).")
    pool_acquire_timeout_seconds: float = Field(default=5.0, gt=0, le=600, description="How "
                                                "long a request waits for a database connection "
                                                "before it answers 503.")
    statement_timeout_ms: int = Field(default=30000, ge=0, description="PostgreSQL's "
                                      "statement_timeout on the server's and `ladder worker`'s "
                                      "connections (0: none); a request whose statement runs "
                                      "longer answers 503, a background job fails.")
    lock_timeout_ms: int = Field(default=5000, ge=0, description="PostgreSQL's lock_timeout on "
                                 "the server's and `ladder worker`'s connections (0: none); a "
                                 "request that waits longer for a lock answers 503, a "
                                 "background job fails.")
    body_timeout_seconds: float = Field(default=30.0, gt=0, le=3600, description="Longest time "
                                        "a request body may take to arrive; a slower one "
                                        "answers 503.")
    pg_bin: Path | None = Field(default=None, description="Directory of pg_dump and pg_restore "
                                "for `ladder backup` and `ladder restore`; unset: the external "
                                "server's /usr/lib/postgresql/<major>/bin if present, else the "
                                "embedded wheel's.")
    log_format: Literal["plain", "json"] = Field(default="plain", description="Ladder's log "
                                                 "lines in `ladder serve`: plain text, or one "
                                                 "JSON object per line.")
    request_log: bool = Field(default=True, description="Log one line per request (method, "
                              "route, status, duration, request id).")
    web_link_minutes: float = Field(default=15.0, gt=0, le=60, description="How long an "
                                    "emailed sign-in link works (once).")
    web_session_hours: float = Field(default=12.0, gt=0, le=24 * 30, description="How long a "
                                     "web session lasts after signing in.")
    web_sign_in_per_email: int = Field(default=5, ge=1, description="Sign-in requests one "
                                       "email may make per web_rate_window_minutes.")
    web_sign_in_per_address: int = Field(default=30, ge=1, description="Sign-in requests one "
                                         "client address may make per window.")
    web_rate_window_minutes: float = Field(default=15.0, gt=0, le=24 * 60)
    web_base_url: str | None = Field(default=None, description="The address sign-in links "
                                     "point to, such as https://ladder.example.org. Unset: "
                                     "the address the request came to.")
    web_secret: SecretStr | None = Field(default=None, description="Signs the web forms' CSRF "
                                         "tokens; set the same value on every instance. Unset: "
                                         "random per start of `ladder serve`.")
    web_demo: bool = Field(default=False, description="The sign-in page lists the demo "
                           "people's emails (set by `ladder serve --demo`).")
    debug: bool = False
