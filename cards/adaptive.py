"""Small typed helpers for Adaptive Card 1.5 elements, so builders read like the card they make.

Text is shown as text by default: `heading`, `text`, `facts` and `done` pass their values through
`bot.domain.text.plain`, so whatever a person typed (and every display name) shows as the characters
typed. A builder that means markdown (a bold label) says `markdown=True` and escapes what it
interpolates with `plain`. `card` keeps every card within Teams' message size (CARD_BUDGET_BYTES).
"""

from __future__ import annotations

import json
from typing import Any, Iterable

from bot.domain.limits import CARD_BUDGET_BYTES, MAX_DISPLAY_NAME
from bot.domain.text import ELLIPSIS, clean, plain

SCHEMA = "http://adaptivecards.io/schemas/adaptive-card.json"
VERSION = "1.5"
CONTENT_TYPE = "application/vnd.microsoft.card.adaptive"

SHORTEST_CUT = 60  # when a card is over budget, long texts are cut, but never below this
NOT_SHOWN = "Some of this was too long to show here."


def card(body: Iterable[dict[str, Any]], actions: Iterable[dict[str, Any]] = ()) -> dict[str, Any]:
    result: dict[str, Any] = {"type": "AdaptiveCard", "$schema": SCHEMA, "version": VERSION, "body": list(body)}
    acts = list(actions)
    if acts:
        result["actions"] = acts
    return fit(result)


def who(display_name: str | None, fallback: str = "") -> str:
    """A display name as a card shows it: cleaned and cut to MAX_DISPLAY_NAME (escaped where it lands)."""
    return clean(display_name, MAX_DISPLAY_NAME) or fallback


def heading(value: str, *, markdown: bool = False) -> dict[str, Any]:
    return {"type": "TextBlock", "text": _shown(value, markdown), "weight": "Bolder", "size": "Medium", "wrap": True}


def text(value: str, *, subtle: bool = False, color: str | None = None, markdown: bool = False) -> dict[str, Any]:
    block: dict[str, Any] = {"type": "TextBlock", "text": _shown(value, markdown), "wrap": True}
    if subtle:
        block["isSubtle"] = True
    if color:
        block["color"] = color
    return block


def facts(rows: Iterable[tuple[str, str]]) -> dict[str, Any]:
    return {"type": "FactSet", "facts": [{"title": plain(title), "value": plain(value, multiline=True)} for title, value in rows]}


def execute(title: str, verb: str, data: dict[str, Any], *, style: str | None = None) -> dict[str, Any]:
    """A Universal Action: Teams sends an adaptiveCard/action invoke, and the bot answers with a new card."""
    action: dict[str, Any] = {"type": "Action.Execute", "title": title, "verb": verb, "data": data}
    if style:
        action["style"] = style
    return action


def open_url(title: str, url: str) -> dict[str, Any]:
    return {"type": "Action.OpenUrl", "title": title, "url": url}


def done(note: str) -> dict[str, Any]:
    """The line a replaced card shows instead of its buttons: what happened, by whom, when."""
    return {"type": "TextBlock", "text": plain(note, multiline=True), "wrap": True, "color": "Good", "weight": "Bolder"}


def _shown(value: str, markdown: bool) -> str:
    return value if markdown else plain(value, multiline=True)


# Keeping within Teams' size limit ---------------------------------------------------------------
def size_of(content: dict[str, Any]) -> int:
    """Bytes of the card as the connector sends it (json.dumps escapes non-ASCII as \\uXXXX)."""
    return len(json.dumps(content).encode())


def fit(content: dict[str, Any], budget: int = CARD_BUDGET_BYTES) -> dict[str, Any]:
    """Lists are capped by their builders; this is the backstop for text at its limits in the worst
    encoding (every character escaped or non-ASCII): cut the longest texts, then drop trailing blocks."""
    if size_of(content) <= budget:
        return content
    while size_of(content) > budget:
        holder, key = max(_texts(content), key=lambda hk: len(json.dumps(hk[0][hk[1]])), default=(None, ""))
        if holder is None or len(holder[key]) <= SHORTEST_CUT:
            break
        cut = holder[key][: len(holder[key]) // 2].rstrip("\\ ")
        holder[key] = cut + ELLIPSIS
    note = {"type": "TextBlock", "text": NOT_SHOWN, "wrap": True, "isSubtle": True}
    body = content["body"]
    while size_of(content) + size_of(note) > budget and len(body) > 1:
        body.pop()
    body.append(note)
    return content


def _texts(content: dict[str, Any]) -> Iterable[tuple[dict[str, Any], str]]:
    for element in content.get("body", []):
        if element.get("type") == "TextBlock":
            yield element, "text"
        for fact in element.get("facts", []):
            yield fact, "value"
