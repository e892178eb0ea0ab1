"""Settings, read once from the environment by the composition root; nothing else reads os.environ."""

from __future__ import annotations

import ipaddress
import uuid
from dataclasses import dataclass, field
from datetime import time
from enum import Enum
from pathlib import Path
from typing import Mapping
from urllib.parse import urlsplit
from urllib.parse import urlparse


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


def _months(env: Mapping[str, str], name: str, default: int) -> int:
    text = env.get(name, "").strip()
    if not text:
        return default
    try:
        value = int(text)
    except ValueError as error:
        raise SettingsError(f"{name} must be a whole number of months") from error
    if not 1 <= value <= 120:
        raise SettingsError(f"{name} must be between 1 and 120 months")
    return value


@dataclass(frozen=True)
class BotCredentials:
    """The shape ConfigurationBotFrameworkAuthentication reads (APP_ID, APP_PASSWORD, ..., and the cloud's
    endpoints; None means the SDK's public-cloud default)."""

    APP_ID: str
    APP_PASSWORD: str
    APP_TYPE: str
    APP_TENANTID: str
    CHANNEL_SERVICE: str | None = None
    TO_CHANNEL_FROM_BOT_LOGIN_URL: str | None = None
    TO_CHANNEL_FROM_BOT_OAUTH_SCOPE: str | None = None
    TO_BOT_FROM_CHANNEL_TOKEN_ISSUER: str | None = None
    OAUTH_URL: str | None = None
    TO_BOT_FROM_CHANNEL_OPENID_METADATA_URL: str | None = None
    TO_BOT_FROM_EMULATOR_OPENID_METADATA_URL: str | None = None
    CALLER_ID: str | None = None


@dataclass(frozen=True)
class Cloud:
    """The Bot Framework endpoints of one cloud (the SDK's AuthenticationConstants / GovernmentConstants)."""

    channel_openid_metadata_url: str
    emulator_openid_metadata_url: str
    channel_token_issuer: str
    login_url: str  # the authority outbound tokens come from; its /oauth2/v2.0/token is the token endpoint
    oauth_scope: str
    oauth_url: str
    caller_id: str


PUBLIC_CLOUD = Cloud(
    channel_openid_metadata_url="https://login.botframework.com/v1/.well-known/openidconfiguration",
    emulator_openid_metadata_url="https://login.microsoftonline.com/common/v2.0/.well-known/openid-configuration",
    channel_token_issuer="https://api.botframework.com",
    login_url="https://login.microsoftonline.com/botframework.com",
    oauth_scope="https://api.botframework.com",
    oauth_url="https://api.botframework.com",
    caller_id="urn:botframework:azure",
)
US_GOVERNMENT_CHANNEL_SERVICE = "https://botframework.azure.us"
US_GOVERNMENT_CLOUD = Cloud(
    channel_openid_metadata_url="https://login.botframework.azure.us/v1/.well-known/openidconfiguration",
    emulator_openid_metadata_url="https://login.microsoftonline.us/cab8a31a-1906-4287-a0d8-4eef66b95f6e/v2.0/"
                                 ".well-known/openid-configuration",
    channel_token_issuer="https://api.botframework.us",
    login_url="https://login.microsoftonline.us/MicrosoftServices.onmicrosoft.us",
    oauth_scope="https://api.botframework.us",
    oauth_url="https://api.botframework.azure.us",
    caller_id="urn:botframework:azureusgov",
)


def _flag(env: Mapping[str, str], name: str) -> bool:
    return env.get(name, "").strip().lower() in ("1", "true", "yes", "on")


def _tenants(env: Mapping[str, str]) -> frozenset[str]:
    listed = [part.strip().lower() for part in env.get("TANDEM_ALLOWED_TENANTS", "").split(",")]
    own = env.get("MicrosoftAppTenantId", "").strip().lower()
    return frozenset(t for t in [own, *listed] if t)


def _https_or_loopback(name: str, url: str) -> None:
    parsed = urlparse(url)
    if parsed.scheme == "https" and parsed.hostname:
        return
    if parsed.scheme == "http" and parsed.hostname and is_loopback(parsed.hostname):
        return  # a test's or a developer's own server on this machine
    raise SettingsError(f"{name} must be an https URL (or http on loopback), not {url!r}")


class GraphAuth(str, Enum):
    OFF = "off"  # no Graph: sessions keep the Teams deep link
    MANAGED_IDENTITY = "managed-identity"  # the app's managed identity (system, or user-assigned by client id)
    CLIENT_SECRET = "client-secret"  # an app registration's client secret
    CERTIFICATE = "certificate"  # an app registration's certificate (PEM with key and certificate, or .pfx)


@dataclass(frozen=True)
class GraphSettings:
    """Microsoft Graph calendar access; off unless TANDEM_GRAPH_AUTH names a mode."""

    auth: GraphAuth = GraphAuth.OFF
    base_url: str = "https://graph.microsoft.com/v1.0"  # national clouds: e.g. https://graph.microsoft.us/v1.0
    authority: str = "https://login.microsoftonline.com"  # e.g. https://login.microsoftonline.us
    tenant_id: str = ""
    client_id: str = ""
    client_secret: str = ""
    certificate_path: Path | None = None
    certificate_password: str = ""
    identity_client_id: str = ""  # user-assigned managed identity; empty: system-assigned
    organiser_mailbox: str = ""  # a service mailbox that organises every session; empty: the proposer
    timeout_seconds: float = 20.0

    @property
    def enabled(self) -> bool:
        return self.auth is not GraphAuth.OFF

    @property
    def resource(self) -> str:
        """What tokens are for: the Graph origin (https://graph.microsoft.com), whatever the cloud."""
        parts = urlsplit(self.base_url)
        return f"{parts.scheme}://{parts.netloc}"

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> "GraphSettings":
        text = env.get("TANDEM_GRAPH_AUTH", "").strip().lower() or GraphAuth.OFF.value
        try:
            auth = GraphAuth(text)
        except ValueError as error:
            names = ", ".join(mode.value for mode in GraphAuth)
            raise SettingsError(f"TANDEM_GRAPH_AUTH must be one of {names}, not {text!r}") from error
        certificate = env.get("TANDEM_GRAPH_CERTIFICATE_PATH", "").strip()
        graph = cls(
            auth=auth,
            base_url=env.get("TANDEM_GRAPH_BASE_URL", cls.base_url).strip().rstrip("/") or cls.base_url,
            authority=env.get("TANDEM_GRAPH_AUTHORITY", cls.authority).strip().rstrip("/") or cls.authority,
            tenant_id=env.get("TANDEM_GRAPH_TENANT_ID", "").strip(),
            client_id=env.get("TANDEM_GRAPH_CLIENT_ID", "").strip(),
            client_secret=env.get("TANDEM_GRAPH_CLIENT_SECRET", ""),
            certificate_path=Path(certificate) if certificate else None,
            certificate_password=env.get("TANDEM_GRAPH_CERTIFICATE_PASSWORD", ""),
            identity_client_id=env.get("TANDEM_GRAPH_IDENTITY_CLIENT_ID", "").strip(),
            organiser_mailbox=env.get("TANDEM_ORGANISER_MAILBOX", "").strip(),
            timeout_seconds=_seconds(env, "TANDEM_GRAPH_TIMEOUT_SECONDS", 20.0),
        )
        graph.check()
        return graph

    def check(self) -> None:
        if not self.enabled:
            return
        for name, url in (("TANDEM_GRAPH_BASE_URL", self.base_url), ("TANDEM_GRAPH_AUTHORITY", self.authority)):
            parts = urlsplit(url)
            if parts.scheme not in ("https", "http") or not parts.netloc:
                raise SettingsError(f"{name} must be a URL such as https://graph.microsoft.com/v1.0, not {url!r}")
            if parts.scheme == "http" and not is_loopback(parts.hostname or ""):
                raise SettingsError(f"{name} must use https (plain http is for loopback tests only)")
        if self.auth is GraphAuth.MANAGED_IDENTITY:
            return
        missing = [name for name, value in (("TANDEM_GRAPH_TENANT_ID", self.tenant_id),
                                            ("TANDEM_GRAPH_CLIENT_ID", self.client_id)) if not value]
        if self.auth is GraphAuth.CLIENT_SECRET and not self.client_secret:
            missing.append("TANDEM_GRAPH_CLIENT_SECRET")
        if self.auth is GraphAuth.CERTIFICATE and not self.certificate_path:
            missing.append("TANDEM_GRAPH_CERTIFICATE_PATH")
        if missing:
            raise SettingsError(f"TANDEM_GRAPH_AUTH={self.auth.value} also needs {', '.join(missing)}")
        if self.certificate_path and self.auth is GraphAuth.CERTIFICATE and not self.certificate_path.is_file():
            raise SettingsError(f"TANDEM_GRAPH_CERTIFICATE_PATH {self.certificate_path} is not a readable file")

    @property
    def description(self) -> str:
        if not self.enabled:
            return "off (Teams deep links)"
        organiser = self.organiser_mailbox or "the proposer"
        return f"{self.auth.value} via {self.base_url}, organiser {organiser}"

    def __repr__(self) -> str:  # never print a secret
        return f"GraphSettings({self.description!r})"


def _teams_app_id(env: Mapping[str, str]) -> str:
    explicit = env.get("TANDEM_TEAMS_APP_ID", "").strip()
    if explicit:
        try:
            return str(uuid.UUID(explicit))
        except ValueError as error:
            raise SettingsError("TANDEM_TEAMS_APP_ID must be the Teams app's id from its manifest (a GUID)") from error
    return env.get("MicrosoftAppId", "").strip()


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
    graph: GraphSettings = field(default_factory=GraphSettings)
    # Inbound authentication (bot/teams/inbound_auth.py) and the cloud's endpoints, defaults: public cloud.
    channel_service: str = ""  # ChannelService: empty (public cloud) or https://botframework.azure.us
    channel_openid_metadata_url: str = PUBLIC_CLOUD.channel_openid_metadata_url
    emulator_openid_metadata_url: str = PUBLIC_CLOUD.emulator_openid_metadata_url
    channel_token_issuer: str = PUBLIC_CLOUD.channel_token_issuer
    login_url: str = PUBLIC_CLOUD.login_url
    oauth_scope: str = PUBLIC_CLOUD.oauth_scope
    oauth_url: str = PUBLIC_CLOUD.oauth_url
    caller_id: str = PUBLIC_CLOUD.caller_id
    allowed_tenants: frozenset[str] = frozenset()  # empty: any tenant (only when none is configured)
    allow_emulator: bool = False
    unknown_key_refetch_seconds: float = 60.0  # an unknown signing key id refetches the keys at most this often
    reply_budget_seconds: float = 10.0  # how long one turn may wait, in total, for Teams to take its replies
    turn_budget_seconds: float = 12.0  # a turn's store and connector calls end within this (Teams waits 15 s)
    retention_months: int = 12  # default for new programmes: their records are deleted this long after they end
    admins: tuple[str, ...] = ()  # TANDEM_ADMINS: Entra object ids or UPNs/emails of Tandem administrators
    admin_group: str = ""  # TANDEM_ADMIN_GROUP: an Entra group whose members are administrators (needs Graph)
    local_service_url: str = ""  # TANDEM_LOCAL_SERVICE_URL: local mode only, where proactive messages go
    teams_app_id: str = ""  # TANDEM_TEAMS_APP_ID: the Teams app's id, for the link that adds Tandem (default: MicrosoftAppId)

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
        channel_service = env.get("ChannelService", "").strip()
        if channel_service and channel_service.rstrip("/") != US_GOVERNMENT_CHANNEL_SERVICE:
            raise SettingsError(f"ChannelService must be empty (public cloud) or {US_GOVERNMENT_CHANNEL_SERVICE}; "
                                "for another cloud set the To* endpoint settings instead")
        cloud = US_GOVERNMENT_CLOUD if channel_service else PUBLIC_CLOUD
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
            graph=GraphSettings.from_env(env),
            channel_service=channel_service,
            channel_openid_metadata_url=env.get("ToBotFromChannelOpenIdMetadataUrl", "") or cloud.channel_openid_metadata_url,
            emulator_openid_metadata_url=env.get("ToBotFromEmulatorOpenIdMetadataUrl", "") or cloud.emulator_openid_metadata_url,
            channel_token_issuer=env.get("ToBotFromChannelTokenIssuer", "") or cloud.channel_token_issuer,
            login_url=env.get("ToChannelFromBotLoginUrl", "") or cloud.login_url,
            oauth_scope=env.get("ToChannelFromBotOAuthScope", "") or cloud.oauth_scope,
            oauth_url=env.get("OAuthUrl", "") or cloud.oauth_url,
            caller_id=cloud.caller_id,
            allowed_tenants=_tenants(env),
            allow_emulator=_flag(env, "TANDEM_ALLOW_EMULATOR"),
            unknown_key_refetch_seconds=_seconds(env, "TANDEM_KEY_REFETCH_SECONDS", 60.0),
            reply_budget_seconds=_seconds(env, "TANDEM_REPLY_BUDGET_SECONDS", 10.0),
            turn_budget_seconds=_seconds(env, "TANDEM_TURN_BUDGET_SECONDS", 12.0),
            retention_months=_months(env, "TANDEM_RETENTION_MONTHS", 12),
            admins=tuple(part.strip() for part in env.get("TANDEM_ADMINS", "").split(",") if part.strip()),
            admin_group=env.get("TANDEM_ADMIN_GROUP", "").strip(),
            local_service_url=env.get("TANDEM_LOCAL_SERVICE_URL", "").strip(),
            # infra/build_package.py gives the app package the bot's id as its app id: that is the default.
            teams_app_id=_teams_app_id(env),
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
        for name, url in (("ToBotFromChannelOpenIdMetadataUrl", self.channel_openid_metadata_url),
                          ("ToBotFromEmulatorOpenIdMetadataUrl", self.emulator_openid_metadata_url),
                          ("ToChannelFromBotLoginUrl", self.login_url), ("OAuthUrl", self.oauth_url)):
            _https_or_loopback(name, url)
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
        return BotCredentials(
            self.app_id, self.app_password, self.app_type, self.app_tenant_id,
            CHANNEL_SERVICE=self.channel_service or None,
            TO_CHANNEL_FROM_BOT_LOGIN_URL=self.outbound_login_url,
            TO_CHANNEL_FROM_BOT_OAUTH_SCOPE=self.oauth_scope,
            TO_BOT_FROM_CHANNEL_TOKEN_ISSUER=self.channel_token_issuer,
            OAUTH_URL=self.oauth_url,
            TO_BOT_FROM_CHANNEL_OPENID_METADATA_URL=self.channel_openid_metadata_url,
            TO_BOT_FROM_EMULATOR_OPENID_METADATA_URL=self.emulator_openid_metadata_url,
            CALLER_ID=self.caller_id,
        )

    @property
    def outbound_login_url(self) -> str:
        """A single-tenant bot gets its outbound tokens from its own tenant, unless the login URL is set."""
        if self.app_type.lower() == "singletenant" and self.app_tenant_id and self.login_url == PUBLIC_CLOUD.login_url:
            return f"https://login.microsoftonline.com/{self.app_tenant_id}"
        return self.login_url

    @property
    def store_description(self) -> str:
        if self.cosmos_endpoint:
            how = "key" if self.cosmos_key else "Entra ID"
            return f"Cosmos DB {self.cosmos_endpoint} database {self.cosmos_database} ({how})"
        return f"embedded SQLite {self.data_path}"

    def __repr__(self) -> str:  # never print a secret
        return (f"Settings(host={self.host!r}, port={self.port}, auth_mode={self.auth_mode.value}, "
                f"app_id={self.app_id!r}, store={self.store_description!r}, demo={self.demo}, "
                f"calendar={self.graph.description!r}, admins={len(self.admins)})")
