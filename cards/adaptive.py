"""Small typed helpers for Adaptive Card 1.5 elements, so builders read like the card they make."""

from __future__ import annotations

from typing import Any, Iterable

SCHEMA = "http://adaptivecards.io/schemas/adaptive-card.json"
VERSION = "1.5"
CONTENT_TYPE = "application/vnd.microsoft.card.adaptive"


def card(body: Iterable[dict[str, Any]], actions: Iterable[dict[str, Any]] = ()) -> dict[str, Any]:
    result: dict[str, Any] = {"type": "AdaptiveCard", "$schema": SCHEMA, "version": VERSION, "body": list(body)}
    acts = list(actions)
    if acts:
        result["actions"] = acts
    return result


def heading(text: str) -> dict[str, Any]:
    return {"type": "TextBlock", "text": text, "weight": "Bolder", "size": "Medium", "wrap": True}


def text(value: str, *, subtle: bool = False, color: str | None = None) -> dict[str, Any]:
    block: dict[str, Any] = {"type": "TextBlock", "text": value, "wrap": True}
    if subtle:
        block["isSubtle"] = True
    if color:
        block["color"] = color
    return block


def facts(rows: Iterable[tuple[str, str]]) -> dict[str, Any]:
    return {"type": "FactSet", "facts": [{"title": title, "value": value} for title, value in rows]}


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
    return {"type": "TextBlock", "text": f"{DONE_MARK} {note}", "wrap": True, "weight": "Bolder"}
