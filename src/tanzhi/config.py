"""Settings: every knob of a tanzhi installation, read from TANZHI_* environment variables."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """One installation's settings; pass an instance to `create_app` and `make_engine`."""

    model_config = SettingsConfigDict(env_prefix="TANZHI_", extra="ignore")

    data_dir: Path = Field(
        default=Path("var"),
        description="Folder for the SQLite file, uploads, Parquet warehouse and generated reports.",
    )
    database_url: str | None = Field(
        default=None,
        description="SQLAlchemy URL; None means an SQLite file `tanzhi.db` inside data_dir.",
    )
    secret_key: str | None = Field(
        default=None,
        description="Signs session ids and CSRF tokens. None: a random key is generated on first "
        "start into <data_dir>/keys/session-secret (mode 0600); see tanzhi.kernel.keys.",
    )
    audit_key: str | None = Field(
        default=None,
        description="HMAC key of the audit chain (kept outside the database). None: a random key "
        "is generated on first use into <data_dir>/keys/audit-hmac (mode 0600).",
    )
    secure_cookies: bool = Field(
        default=False, description="Mark cookies Secure (set true behind HTTPS)."
    )
    default_locale: str = Field(default="zh_CN", description="UI language when none is chosen.")
    login_attempts_per_minute: int = Field(
        default=5, description="Failed logins allowed per user name and client per minute."
    )
    max_upload_bytes: int = Field(
        default=20 * 1024 * 1024, description="Largest accepted request body, in bytes."
    )
    allow_network: bool = Field(
        default=False,
        description="Whether tanzhi may fetch anything from the network "
                    "(off: self-hosted intranets).",
    )
    warning_webhook_url: str | None = Field(
        default=None,
        description="Outgoing webhook for plan warnings (JSON POST, HMAC-SHA256 signed); None: "
        "warnings stay in the app and the outbox.",
    )
    warning_webhook_secret: str | None = Field(
        default=None,
        description="Shared secret signing plan-warning webhook deliveries (X-Tanzhi-Signature).",
    )

    @property
    def resolved_database_url(self) -> str:
        """The database URL actually used."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'tanzhi.db').resolve()}"
