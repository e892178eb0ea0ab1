"""Small typed helpers for Adaptive Card 1.5 elements, so builders read like the card they make.

Text is shown as text by default: `heading`, `text`, `facts` and `done` pass their values through
`bot.domain.text.plain`, so whatever a person typed (and every display name) shows as the characters
typed. A builder that means markdown (a bold label) says `markdown=True` and escapes what it
interpolates with `plain`. `card` keeps every card within Teams' message size (CARD_BUDGET_BYTES).
"""

from __future__ import annotations

import heapq
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


DONE_MARK = "\u2714"  # a tick: the sign that something is done never rests on colour alone


def done(note: str) -> dict[str, Any]:
    """The line a replaced card shows instead of its buttons: what happened, by whom, when. Default
    colour ("Good" green is about 2:1 on white, below WCAG AA's 4.5:1), bold, with a tick."""
    return {"type": "TextBlock", "text": f"{DONE_MARK} {plain(note, multiline=True)}", "wrap": True, "weight": "Bolder"}


def _shown(value: str, markdown: bool) -> str:
    return value if markdown else plain(value, multiline=True)


# Keeping within Teams' size limit ---------------------------------------------------------------
def size_of(content: dict[str, Any]) -> int:
    """Bytes of the card as the connector sends it (json.dumps escapes non-ASCII as \\uXXXX)."""
    return len(json.dumps(content).encode())


def fit(content: dict[str, Any], budget: int = CARD_BUDGET_BYTES) -> dict[str, Any]:
    """Lists are capped by their builders; this is the backstop for text at its limits in the worst
    encoding (every character escaped or non-ASCII): cut the longest texts, then drop trailing blocks."""
    size = size_of(content)
    if size <= budget:
        return content
    # Longest first (by bytes sent); each cut halves one text and updates the size without re-encoding the card.
    longest = [(-_encoded(h[k]), n, h, k) for n, (h, k) in enumerate(_texts(content)) if len(h[k]) > SHORTEST_CUT]
    heapq.heapify(longest)
    while size > budget and longest:
        minus_bytes, n, holder, key = heapq.heappop(longest)
        holder[key] = holder[key][: len(holder[key]) // 2].rstrip("\\ ") + ELLIPSIS
        size += _encoded(holder[key]) + minus_bytes
        if len(holder[key]) > SHORTEST_CUT:
            heapq.heappush(longest, (-_encoded(holder[key]), n, holder, key))
    note = {"type": "TextBlock", "text": NOT_SHOWN, "wrap": True, "isSubtle": True}
    body = content["body"]
    # Inputs stay (the buttons need them), and so does the heading; the latest text blocks go first.
    droppable = [i for i, element in enumerate(body) if i > 0 and not element.get("type", "").startswith("Input.")]
    while size_of(content) + size_of(note) > budget and droppable:
        del body[droppable.pop()]
    first_input = next((i for i, element in enumerate(body) if element.get("type", "").startswith("Input.")), len(body))
    body.insert(first_input, note)
    return content


def _encoded(value: str) -> int:
    return len(json.dumps(value))


def _texts(content: dict[str, Any]) -> Iterable[tuple[dict[str, Any], str]]:
    for element in content.get("body", []):
        if element.get("type") == "TextBlock":
            yield element, "text"
        for fact in element.get("facts", []):
            yield fact, "value"
