"""Showing what people typed (and what Teams calls them) as text, never as formatting.

Teams renders markdown in message text and in Adaptive Card TextBlocks and FactSets, turns `<at>` and
HTML into mentions and markup, and obeys bidi and zero-width characters. Everything a person typed, and
every display name, reaches a card or a message through `plain` (or `person_name`), so a link, an image, a
mention, a heading, a tag or a right-to-left override shows as the characters typed and cannot change
what the card or message appears to say. Stored data is never rewritten: this is for display only.
"""

from __future__ import annotations

import re
import unicodedata

from bot.domain.limits import MAX_DISPLAY_NAME, MAX_ECHO

ELLIPSIS = "\u2026"

# Angle brackets would open HTML tags and <at> mentions: shown as single guillemets instead.
_ANGLES = str.maketrans({"<": "\u2039", ">": "\u203a"})
# An HTML entity (&lt; &#60; &#x3c;) some renderers decode into the tag it names.
_ENTITY = re.compile(r"&(?=#?\w+;)")
# Markdown that changes meaning anywhere in a line: emphasis, code, strike, links and images, tables, escapes.
_MARKDOWN = re.compile(r"([\\`*_~\[\]|])")
# Markdown that changes meaning at the start of a line: headings, lists, rules (quotes: `>` is already ›).
# A number starts a list only when a space or the line's end follows its "." or ")": "90.9%" is just text.
_LINE_START = re.compile(r"^(\s*)([#+\-=]|\d+[.)](?=\s|$))", re.MULTILINE)
_BLANK_LINES = re.compile(r"\n{3,}")


def _is_hidden(ch: str) -> bool:
    """Control characters and invisible format characters: bidi embeddings, overrides and isolates
    (U+202A-202E, U+2066-2069, U+200E/F, U+061C), zero-width spaces and joiners (U+200B-200D, U+2060,
    U+FEFF), soft hyphens, tag characters. Newlines and tabs are whitespace, handled separately."""
    if ch in "\n\t\r":
        return False
    return unicodedata.category(ch) in ("Cc", "Cf", "Cs")


def without_hidden(text: str | None) -> str:
    """Only the hidden characters removed: for text put back into an input box to edit, as typed."""
    return "".join(ch for ch in (text or "") if not _is_hidden(ch))


def clean(text: str | None, limit: int | None = None, *, multiline: bool = False) -> str:
    """Hidden characters removed, tags and entities made inert, whitespace collapsed, cut to `limit`
    characters with an ellipsis. Safe where text is shown as-is (button titles); not markdown-safe."""
    value = _ENTITY.sub("\uff06", without_hidden(text).translate(_ANGLES))
    if multiline:
        lines = [" ".join(line.split()) for line in value.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
        value = _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()
    else:
        value = " ".join(value.split())
    if limit is not None and len(value) > limit:
        value = value[: max(limit - 1, 0)].rstrip() + ELLIPSIS
    return value


def escape_markdown(value: str) -> str:
    """Backslash-escapes every markdown character that could format, link or embed."""
    value = _MARKDOWN.sub(r"\\\1", value)
    # "1. goal" at the start of a line would become a list: "1\. goal" shows the same, as text.
    return _LINE_START.sub(lambda m: m.group(1) + m.group(2)[:-1] + "\\" + m.group(2)[-1], value)


def plain(text: str | None, limit: int | None = None, *, multiline: bool = False) -> str:
    """What a person typed, ready to put in a card or a message: it shows as the characters typed."""
    return escape_markdown(clean(text, limit, multiline=multiline))


def person_name(display_name: str | None, fallback: str = "") -> str:
    """A display name from Teams, for a card or message: plain text, at most MAX_DISPLAY_NAME characters."""
    return plain(display_name, MAX_DISPLAY_NAME) or fallback


def excerpt(text: str | None, limit: int = MAX_ECHO) -> str:
    """A short, cleaned quote of what someone typed, for an error message."""
    return plain(text, limit)
