"""A roster file a manager sends Tandem in their personal chat, at the Teams edge: finding it on the message
and downloading it, within a size cap and a time limit.

Teams hands a bot a file sent in a personal chat (the manifest's `supportsFiles: true`) as an attachment of
contentType `application/vnd.microsoft.teams.file.download.info` whose content carries a short-lived
`downloadUrl` and the `fileType`. Only https links are fetched (plain http only to this machine, in local
mode and tests), redirects are not followed, and nothing is kept but the bytes handed to the import.
"""

from __future__ import annotations

import ipaddress
import logging
from typing import Any
from urllib.parse import urlsplit

import aiohttp
from botbuilder.schema import Activity

from bot.domain.errors import InvalidInput
from bot.settings import is_loopback

log = logging.getLogger(__name__)

FILE_DOWNLOAD_INFO = "application/vnd.microsoft.teams.file.download.info"
MAX_ROSTER_BYTES = 5 * 1024 * 1024
DOWNLOAD_TIMEOUT_SECONDS = 20.0
CHUNK = 64 * 1024

NOT_CSV = ("That file isn't a CSV file, so I can't read it as a roster. Save the roster as CSV UTF-8 (a header row, "
           "then one person a line) and send that.")
EMPTY = "That file is empty. Send the roster with a header row and one person a line."
TOO_BIG = (f"That file is over {MAX_ROSTER_BYTES // (1024 * 1024)} MB, too big to send in chat. Split it into smaller "
           "files, or ask your IT team to import it from the command line.")
NOT_FETCHED = "I couldn't download that file from Teams. Please send it again in a minute."


def offered_file(activity: Activity) -> dict[str, str] | None:
    """The first file attached to this message, as plain JSON (kept in dialog state): name, url, type."""
    for attachment in activity.attachments or []:
        if attachment.content_type != FILE_DOWNLOAD_INFO:
            continue
        content = attachment.content if isinstance(attachment.content, dict) else {}
        return {"name": str(attachment.name or ""), "url": str(content.get("downloadUrl") or ""),
                "type": str(content.get("fileType") or "")}
    return None


def is_csv(file: dict[str, Any]) -> bool:
    return str(file.get("type", "")).lower().lstrip(".") == "csv" or str(file.get("name", "")).lower().endswith(".csv")


def _private_address(host: str) -> bool:
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False  # a name, as Teams' links use
    return address.is_private or address.is_link_local or address.is_reserved or address.is_unspecified


class RosterFiles:
    """Downloads a file Teams offered. `allow_loopback`: local mode and tests may fetch http://127.0.0.1."""

    def __init__(self, allow_loopback: bool = False, max_bytes: int = MAX_ROSTER_BYTES,
                 timeout_seconds: float = DOWNLOAD_TIMEOUT_SECONDS):
        self.allow_loopback = allow_loopback
        self.max_bytes = max_bytes
        self.timeout = aiohttp.ClientTimeout(total=timeout_seconds)

    def allowed(self, url: str) -> bool:
        """https to a named host (Teams' links are to OneDrive); never an address inside this network."""
        parts = urlsplit(url)
        host = parts.hostname or ""
        if parts.scheme == "https" and host:
            return self.allow_loopback or not (is_loopback(host) or _private_address(host))
        return self.allow_loopback and parts.scheme == "http" and is_loopback(host)

    async def download(self, file: dict[str, Any]) -> bytes:
        """The file's bytes; InvalidInput with a kind message for a file that isn't CSV, is empty, too big, or can't be fetched."""
        if not is_csv(file):
            raise InvalidInput(NOT_CSV)
        url = str(file.get("url", ""))
        if not self.allowed(url):
            log.warning("roster file link refused: not https")
            raise InvalidInput(NOT_FETCHED)
        data = bytearray()
        try:
            async with aiohttp.ClientSession(timeout=self.timeout) as session:
                async with session.get(url, allow_redirects=False) as response:
                    if response.status != 200:
                        log.warning("roster file download answered %s", response.status)
                        raise InvalidInput(NOT_FETCHED)
                    if response.content_length is not None and response.content_length > self.max_bytes:
                        raise InvalidInput(TOO_BIG)
                    async for chunk in response.content.iter_chunked(CHUNK):
                        data += chunk
                        if len(data) > self.max_bytes:  # whatever the headers said: stop reading at the cap
                            raise InvalidInput(TOO_BIG)
        except (aiohttp.ClientError, TimeoutError) as error:
            log.warning("roster file download failed: %s", type(error).__name__)
            raise InvalidInput(NOT_FETCHED) from error
        if not bytes(data).strip().removeprefix(b"\xef\xbb\xbf").strip():
            raise InvalidInput(EMPTY)
        return bytes(data)
