"""The inbound body, checked as plain JSON before anything else reads it: bounded in size and nesting depth,
finite numbers only, and the fields every turn relies on present with the right types. Bad bodies get a
short 400 message; they never reach the SDK or the handler."""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import urlparse

MAX_BODY_BYTES = 256 * 1024
MAX_DEPTH = 32

_STRING_OR_BRACKET = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]', re.DOTALL)


class MalformedActivity(ValueError):
    """The body is not an activity Tandem can act on; the message says why, briefly, for the caller."""


def nests_deeper_than(text: str, limit: int) -> bool:
    """Whether arrays and objects nest deeper than `limit`, found without parsing (so a very deep document
    cannot eat the stack). Strings are skipped so brackets inside them do not count; linear, and it
    stops at the first level too deep."""
    if text.count("[") + text.count("{") <= limit:
        return False
    depth = 0
    for match in _STRING_OR_BRACKET.finditer(text):
        ch = match.group()
        if ch in "[{":
            depth += 1
            if depth > limit:
                return True
        elif ch in "]}":
            depth -= 1
    return False


def _finite(text: str) -> float:
    value = float(text)
    if value in (float("inf"), float("-inf")):
        raise MalformedActivity("The request body has a number too large to use.")
    return value


def _no_constants(name: str) -> Any:
    raise MalformedActivity(f"The request body has {name}, which is not JSON.")


def parse_body(raw: bytes) -> dict[str, Any]:
    if len(raw) > MAX_BODY_BYTES:
        raise MalformedActivity("The request body is too large.")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise MalformedActivity("The request body is not UTF-8 JSON.") from None
    if nests_deeper_than(text, MAX_DEPTH):
        raise MalformedActivity(f"The request body nests deeper than {MAX_DEPTH} levels.")
    try:
        body = json.loads(text, parse_float=_finite, parse_constant=_no_constants)
    except (json.JSONDecodeError, RecursionError):
        raise MalformedActivity("The request body is not valid JSON.") from None
    except ValueError as error:  # e.g. an integer with more digits than Python converts
        if isinstance(error, MalformedActivity):
            raise
        raise MalformedActivity("The request body has a number Tandem cannot read.") from None
    if not isinstance(body, dict):
        raise MalformedActivity("The request body must be a Bot Framework activity (a JSON object).")
    return body


def _text(body: dict[str, Any], *path: str) -> str:
    value: Any = body
    for name in path:
        if not isinstance(value, dict):
            raise MalformedActivity(f"The activity's {'.'.join(path[:-1])} must be an object.")
        value = value.get(name)
    if not isinstance(value, str) or not value.strip():
        raise MalformedActivity(f"The activity needs {'.'.join(path)} as a non-empty string.")
    return value


OPTIONAL_OBJECTS = ("channelData", "conversation", "from", "recipient")
OPTIONAL_LISTS = ("entities", "attachments", "membersAdded", "membersRemoved")
OPTIONAL_TEXTS = ("text", "name", "id", "replyToId", "locale", "textFormat", "timestamp", "localTimestamp")


def check_activity(body: dict[str, Any]) -> None:
    """The fields every turn relies on, present and of the right type; everything else is the SDK's.
    serviceUrl is required in every mode: without one the SDK would reply to a default cloud address."""
    _text(body, "type")
    _text(body, "channelId")
    _text(body, "from", "id")
    _text(body, "conversation", "id")
    _text(body, "recipient", "id")
    for name in OPTIONAL_OBJECTS:
        if body.get(name) is not None and not isinstance(body[name], dict):
            raise MalformedActivity(f"The activity's {name} must be an object.")
    for name in OPTIONAL_LISTS:
        if body.get(name) is not None and not (isinstance(body[name], list) and all(isinstance(x, dict) for x in body[name])):
            raise MalformedActivity(f"The activity's {name} must be a list of objects.")
    for name in OPTIONAL_TEXTS:
        if body.get(name) is not None and not isinstance(body[name], str):
            raise MalformedActivity(f"The activity's {name} must be a string.")
    url = urlparse(_text(body, "serviceUrl"))
    if url.scheme not in ("https", "http") or not url.hostname:
        raise MalformedActivity("The activity's serviceUrl must be an http(s) URL.")
