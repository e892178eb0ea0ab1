"""Settings, read once from the environment by the composition root; nothing else reads os.environ."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from datetime import time
from enum import Enum
from pathlib import Path
from typing import Mapping
from urllib.parse import urlsplit


class AuthMode(str, Enum):
    BOT_FRAMEWORK = "bot-framework"  # inbound requests must carry a valid Bot Framework token
    LOCAL = "local"  # no inbound authentication: loopback only, for the Agents Playground and tests


class SettingsError(ValueError):
    """The configuration cannot be used; the message says how to fix it."""


LOOPBACK_NAMES = {"localhost"}


def is_loopback(host: str) -> bool:
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _whole_number(env: Mapping[str, str], name: str) -> int:
    try:
        return int(env.get(name, "0") or "0")
    except ValueError as error:
        raise SettingsError(f"{name} must be a whole number") from error


def _minutes_list(env: Mapping[str, str], name: str, default: tuple[int, ...]) -> tuple[int, ...]:
    text = env.get(name, "").strip()
    if not text:
        return default
    try:
        values = tuple(int(part) for part in text.split(","))
    except ValueError as error:
        raise SettingsError(f"{name} must be whole numbers of minutes separated by commas, e.g. 1440,60") from error
    if any(v <= 0 for v in values):
        raise SettingsError(f"{name} must be more than 0")
    return values


def _seconds(env: Mapping[str, str], name: str, default: float) -> float:
    try:
        value = float(env.get(name, "") or default)
    except ValueError as error:
        raise SettingsError(f"{name} must be a number of seconds") from error
    if value <= 0:
        raise SettingsError(f"{name} must be more than 0")
    return value


@dataclass(frozen=True)
class BotCredentials:
    """The shape ConfigurationBotFrameworkAuthentication reads (APP_ID, APP_PASSWORD, ...)."""

    APP_ID: str
    APP_PASSWORD: str
    APP_TYPE: str
    APP_TENANTID: str


@dataclass(frozen=True)
class Settings:
    host: str = "127.0.0.1"
    port: int = 3978
    auth_mode: AuthMode = AuthMode.BOT_FRAMEWORK
    app_id: str = ""
    app_password: str = ""
    app_type: str = "MultiTenant"
    app_tenant_id: str = ""
    data_path: Path = Path("data/tandem.sqlite3")
    demo: bool = False
    log_level: str = "INFO"
    clock_offset_minutes: int = 0  # local mode only: run as if it were this much later
    sweep_seconds: float = 60.0  # how often the scheduler looks for due work
    quiet_hours: str = "21:00-08:00"  # UK time; "off" for none
    weekends_off: bool = True
    reminders_before_minutes: tuple[int, ...] = (24 * 60, 60)
    cosmos_endpoint: str = ""  # set: every repository and the bot state live in Cosmos DB
    cosmos_database: str = "tandem"
    cosmos_key: str = ""  # empty with an endpoint: Microsoft Entra ID (managed identity)
    cosmos_identity_client_id: str = ""
    admins: tuple[str, ...] = ()  # TANDEM_ADMINS: Entra object ids or UPNs/emails of Tandem administrators
    admin_group: str = ""  # TANDEM_ADMIN_GROUP: an Entra group whose members are administrators (needs Graph)
    local_service_url: str = ""  # TANDEM_LOCAL_SERVICE_URL: local mode only, where proactive messages go

    @classmethod
    def from_env(cls, env: Mapping[str, str], *, local: bool | None = None, demo: bool | None = None,
                 port: int | None = None, data_path: str | None = None) -> "Settings":
        """Environment first, command-line flags (the keyword arguments) over it."""
        auth_text = env.get("TANDEM_AUTH", "").strip().lower()
        if local or auth_text == AuthMode.LOCAL.value:
            auth = AuthMode.LOCAL
        elif auth_text in ("", AuthMode.BOT_FRAMEWORK.value):
            auth = AuthMode.BOT_FRAMEWORK
        else:
            raise SettingsError(f"TANDEM_AUTH must be 'bot-framework' or 'local', not {auth_text!r}")
        try:
            chosen_port = port if port is not None else int(env.get("PORT", env.get("TANDEM_PORT", "3978")))
        except ValueError as error:
            raise SettingsError("PORT must be a whole number") from error
        settings = cls(
            host=env.get("TANDEM_HOST", "127.0.0.1"),
            port=chosen_port,
            auth_mode=auth,
            app_id=env.get("MicrosoftAppId", ""),
            app_password=env.get("MicrosoftAppPassword", ""),
            app_type=env.get("MicrosoftAppType", "MultiTenant"),
            app_tenant_id=env.get("MicrosoftAppTenantId", ""),
            data_path=Path(data_path or env.get("TANDEM_DATA_PATH", "data/tandem.sqlite3")),
            demo=demo if demo is not None else env.get("TANDEM_DEMO", "") == "1",
            log_level=env.get("TANDEM_LOG_LEVEL", "INFO").upper(),
            clock_offset_minutes=_whole_number(env, "TANDEM_CLOCK_OFFSET_MINUTES"),
            sweep_seconds=_seconds(env, "TANDEM_SWEEP_SECONDS", 60.0),
            quiet_hours=env.get("TANDEM_QUIET_HOURS", "21:00-08:00").strip().lower(),
            weekends_off=env.get("TANDEM_WEEKENDS_OFF", "1").strip() not in ("0", "false", "no", "off"),
            reminders_before_minutes=_minutes_list(env, "TANDEM_REMINDERS_BEFORE_MINUTES", (24 * 60, 60)),
            cosmos_endpoint=env.get("TANDEM_COSMOS_ENDPOINT", ""),
            cosmos_database=env.get("TANDEM_COSMOS_DATABASE", "tandem"),
            cosmos_key=env.get("TANDEM_COSMOS_KEY", ""),
            cosmos_identity_client_id=env.get("TANDEM_COSMOS_IDENTITY_CLIENT_ID", ""),
            admins=tuple(part.strip() for part in env.get("TANDEM_ADMINS", "").split(",") if part.strip()),
            admin_group=env.get("TANDEM_ADMIN_GROUP", "").strip(),
            local_service_url=env.get("TANDEM_LOCAL_SERVICE_URL", "").strip(),
        )
        settings.check()
        return settings

    def quiet_window(self) -> tuple[time, time] | None:
        """The daily quiet window in UK time, or None when quiet hours are off."""
        if self.quiet_hours in ("off", "none", ""):
            return None
        try:
            start, end = (time.fromisoformat(part.strip()) for part in self.quiet_hours.split("-"))
        except ValueError as error:
            raise SettingsError("TANDEM_QUIET_HOURS must look like 21:00-08:00, or be 'off'") from error
        return start, end

    def check(self) -> None:
        self.quiet_window()
        if self.local_service_url:
            if self.auth_mode is not AuthMode.LOCAL:
                raise SettingsError("TANDEM_LOCAL_SERVICE_URL is for local mode only; Teams names its own service URL.")
            parsed = urlsplit(self.local_service_url)
            if parsed.scheme not in ("http", "https") or not is_loopback(parsed.hostname or ""):
                raise SettingsError("TANDEM_LOCAL_SERVICE_URL must be an http(s) address on loopback, "
                                    "e.g. http://127.0.0.1:56150/_connector")
        if self.clock_offset_minutes and self.auth_mode is not AuthMode.LOCAL:
            raise SettingsError("TANDEM_CLOCK_OFFSET_MINUTES is for local rehearsal only; unset it to serve Teams.")
        if self.auth_mode is AuthMode.LOCAL and not is_loopback(self.host):
            raise SettingsError(
                f"Local mode has no inbound authentication, so it only listens on loopback; "
                f"TANDEM_HOST={self.host} is not. Set MicrosoftAppId/MicrosoftAppPassword to serve other hosts."
            )

    @property
    def authenticated(self) -> bool:
        return self.auth_mode is AuthMode.BOT_FRAMEWORK

    @property
    def credentials_configured(self) -> bool:
        return bool(self.app_id)

    def bot_credentials(self) -> BotCredentials:
        if self.auth_mode is AuthMode.LOCAL:
            return BotCredentials("", "", "MultiTenant", "")
        return BotCredentials(self.app_id, self.app_password, self.app_type, self.app_tenant_id)

    @property
    def store_description(self) -> str:
        if self.cosmos_endpoint:
            how = "key" if self.cosmos_key else "Entra ID"
            return f"Cosmos DB {self.cosmos_endpoint} database {self.cosmos_database} ({how})"
        return f"embedded SQLite {self.data_path}"

    def __repr__(self) -> str:  # never print a secret
        return (f"Settings(host={self.host!r}, port={self.port}, auth_mode={self.auth_mode.value}, "
                f"app_id={self.app_id!r}, store={self.store_description!r}, demo={self.demo}, admins={len(self.admins)})")
