"""Hostile text in any field of any card shows as text: no links, images, mentions, tags, headings,
emphasis, bidi overrides, zero-width or control characters survive into a card's JSON."""

from __future__ import annotations

import re
from typing import Any, Iterator
from urllib.parse import unquote

import pytest

from tests.cards.largest import largest_cards

HOSTILE = (
    "# Heading\n- item\n1. listed\n> quoted\n"
    "[click](http://evil.example) ![img](http://evil.example/x.png) <at>Chief Constable</at> <b>bold</b> "
    "&lt;i&gt; **strong** _em_ `code` ~~gone~~ | table | \\[pre-escaped\\](http://evil.example) "
    "\u202eevil\u202c \u2066iso\u2069 \u200ezero\u200bwidth\u200c\u200d\u2060\ufeff ctrl\x00\x07\x1b\x7f end"
)
HIDDEN = re.compile("[\u202a-\u202e\u2066-\u2069\u200b-\u200f\u2060\ufeff\u061c\x00-\x08\x0b-\x1f\x7f]")
ALL_CARDS = [(builder, i, content) for builder, made in largest_cards(lambda n: HOSTILE).items() for i, content in enumerate(made)]


def shown_strings(node: Any, key: str = "", within: str = "") -> Iterator[tuple[str, str]]:
    """Every string a reader could see (card data and URLs are checked separately), as (key, value);
    a plain-text title (a button's, or a list choice's) is keyed "plain title", and the text put back
    in an input box to edit is keyed "box"."""
    if isinstance(node, dict):
        for k, v in node.items():
            if k == "value" and node.get("type") == "Input.Text" and isinstance(v, str):
                yield "box", v
            elif k not in ("data", "url", "verb", "type", "$schema", "id"):
                yield from shown_strings(v, k, within)
    elif isinstance(node, list):
        for v in node:
            yield from shown_strings(v, key, key)
    elif isinstance(node, str):
        yield ("plain title" if key == "title" and within in ("actions", "choices") else key), node


def unescaped(char: str, value: str) -> bool:
    """True if `char` occurs in `value` without an odd run of backslashes before it."""
    for match in re.finditer(re.escape(char), value):
        backslashes = len(value[: match.start()]) - len(value[: match.start()].rstrip("\\"))
        if backslashes % 2 == 0:
            return True
    return False


@pytest.mark.parametrize("builder, i, content", ALL_CARDS, ids=[f"{b}[{i}]" for b, i, _ in ALL_CARDS])
def test_hostile_text_is_neutralised_in_every_card(builder, i, content):
    for key, value in shown_strings(content):
        assert not HIDDEN.search(value), (key, value)
        if key == "box":
            continue  # an edit box shows its text as typed in every client (no markdown, no tags), to change and send back
        assert "<" not in value and ">" not in value, (key, value)  # no tag, no <at> mention, no quote
        assert "&lt;" not in value
        if key == "plain title":
            continue  # button and list-choice titles are plain text in every client: markdown is not rendered there
        for char in "[]`~|_":
            assert not unescaped(char, value), (char, key, value)  # no link, image, code, strike, table, emphasis
        assert not re.search(r"(?<!\\)\*\*strong", value)
        assert not re.search(r"^\s*[#>+=-]", value, re.MULTILINE), (key, value)  # no heading, quote or list
        assert not re.search(r"^\s*\d+\.\s*listed", value, re.MULTILINE), (key, value)


@pytest.mark.parametrize("builder, i, content", ALL_CARDS, ids=[f"{b}[{i}]" for b, i, _ in ALL_CARDS])
def test_links_in_cards_carry_no_hidden_characters(builder, i, content):
    for action in content.get("actions", []):
        if action["type"] == "Action.OpenUrl":
            assert action["url"].startswith("https://teams.microsoft.com/")
            assert not HIDDEN.search(unquote(action["url"]))


def test_the_hostile_words_are_still_there_to_read():
    every = " ".join(v for _, _, c in ALL_CARDS for _, v in shown_strings(c))
    assert "\\[click\\](http://evil.example)" in every  # escaped: shown as typed, not a link
    assert "\u2039at\u203aChief Constable\u2039/at\u203a" in every
    assert "\\*\\*strong\\*\\*" in every and "evil" in every and "zerowidth" in every
