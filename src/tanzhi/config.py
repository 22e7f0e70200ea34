"""Settings: every knob of a tanzhi installation, read from TANZHI_* environment variables."""

from __future__ import annotations

from ipaddress import IPv4Network, IPv6Network, ip_network
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

IPNetwork = IPv4Network | IPv6Network


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
    secure_cookies: bool | None = Field(
        default=None,
        description="Mark cookies Secure. None (auto): Secure on requests that arrived over "
        "HTTPS (directly or, from a trusted proxy, by X-Forwarded-Proto), and always when "
        "`tanzhi serve` binds a non-loopback address; false is for plain-HTTP test set-ups only "
        "and `tanzhi serve` warns about it.",
    )
    session_idle_minutes: int = Field(
        default=30, ge=1,
        description="A session ends after this many minutes without a request "
        "(NIST SP 800-63B rev. 3 §4.2.3, AAL2: 30 minutes of inactivity).",
    )
    session_absolute_hours: int = Field(
        default=12, ge=1,
        description="A session ends this many hours after login, however active "
        "(NIST SP 800-63B rev. 3 §4.2.3, AAL2: at least once per 12 hours).",
    )
    password_hash_profile: Literal["rfc9106-low-memory", "test-cheapest"] = Field(
        default="rfc9106-low-memory",
        description="argon2id parameters for new password hashes: RFC 9106's low-memory "
        "profile (m=64 MiB, t=3, p=4); `test-cheapest` is for the test suite only and "
        "`tanzhi serve` warns about it.",
    )
    trusted_proxies: Annotated[list[IPNetwork], NoDecode] = Field(
        default_factory=list,
        description="Comma-separated CIDRs of reverse proxies whose X-Forwarded-For / "
        "X-Real-IP / X-Forwarded-Proto are believed (e.g. `127.0.0.1/32,10.0.0.0/8`). Empty: "
        "never; the client address is the TCP peer.",
    )
    default_locale: str = Field(default="zh_CN", description="UI language when none is chosen.")
    login_attempts_per_minute: int = Field(
        default=5, description="Failed logins allowed per user name and client per minute."
    )
    max_upload_bytes: int = Field(
        default=20 * 1024 * 1024, description="Largest accepted request body, in bytes."
    )
    sqlite_busy_timeout_s: float = Field(
        default=5.0, gt=0,
        description="How long an SQLite writer waits for the write lock before the request "
        "fails with 503 'database busy' (readers never wait: WAL).",
    )
    sqlite_synchronous: Literal["NORMAL", "FULL"] = Field(
        default="FULL",
        description="SQLite `synchronous` in WAL mode. FULL syncs the WAL at every commit, so "
        "a success the server has reported survives a power cut (issue #8: success only after "
        "commit); NORMAL is also crash-safe for the process (kill -9) and keeps the file "
        "consistent, but a power cut may undo the last commits. Cost: docs/performance.md.",
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

    @field_validator("trusted_proxies", mode="before")
    @classmethod
    def _split_proxies(cls, value: object) -> object:
        # The environment gives one string; a list (from code) passes through.
        if isinstance(value, str):
            return [ip_network(part.strip(), strict=False)
                    for part in value.split(",") if part.strip()]
        return value

    @property
    def resolved_database_url(self) -> str:
        """The database URL actually used."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'tanzhi.db').resolve()}"
