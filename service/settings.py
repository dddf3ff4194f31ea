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
    pool_max_size: int = Field(default=10, ge=1)
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
    retention_inactive_years: int = Field(default=6, ge=1, le=100, description="`ladder "
                                          "retention` pseudonymises workers whose data nobody "
                                          "but the system has read or changed for this long.")
    audit_retention_years: int = Field(default=7, ge=1, le=100, description="`ladder "
                                       "retention` deletes audit rows older than this.")
    debug: bool = False
