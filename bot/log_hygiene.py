"""Defence in depth for logs: tokens and Authorization headers are redacted whatever a library logs.

Tandem's own log lines name ids and counts, never what anyone wrote (tests/teams/test_log_hygiene.py
runs a whole journey at DEBUG and checks). This filter, installed on the handlers at the composition
root, catches what a dependency might print: `Authorization: Bearer ...` in a request dump, a JWT.
"""

from __future__ import annotations

import logging
import re

REDACTED = "[redacted]"
PATTERNS = (
    # Authorization / Proxy-Authorization headers, as "name: value", "name=value" or "'name': 'value'"
    re.compile(r"""((?:proxy-)?authorization['"]?\s*[:=]\s*['"]?)(?:bearer\s+|basic\s+)?[^\s'",}]+""", re.IGNORECASE),
    re.compile(r"(bearer\s+)[A-Za-z0-9\-._~+/]+=*", re.IGNORECASE),
    re.compile(r"()eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*"),  # a JWT on its own
    re.compile(r"""((?:access_token|client_secret|password|sig)['"]?\s*[:=]\s*['"]?)[^\s'"&,}]+""", re.IGNORECASE),
)


def redact(text: str) -> str:
    for pattern in PATTERNS:
        text = pattern.sub(lambda m: f"{m.group(1)}{REDACTED}", text)
    return text


class RedactSecrets(logging.Filter):
    """Rewrites the record's message (and any traceback text) with secrets replaced."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True


def install_redaction(logger: logging.Logger | None = None) -> None:
    """On every handler of the root logger (where every library's records end up)."""
    for handler in (logger or logging.getLogger()).handlers:
        if not any(isinstance(f, RedactSecrets) for f in handler.filters):
            handler.addFilter(RedactSecrets())
