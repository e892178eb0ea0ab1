"""Cards for programme managers: an alert to act on, and the programme's status at a glance."""

from __future__ import annotations

from typing import Any

from bot.domain.alerts import Alert, AlertKind, AlertState
from bot.domain.drift import Assessment, PairState
from bot.domain.limits import MAX_ALERT_NOTE, SHOWN_ALERT_STEPS, SHOWN_STATUS_ROWS
from bot.domain.text import person_name, plain
from bot.domain.uktime import format_uk
from cards import verbs
from cards.adaptive import card, done, execute, facts, heading, text, who
from cards.words import ALERT_STATE, PAIR_STATE

# Colours with at least 4.5:1 contrast in Teams' light, dark and high-contrast themes ("Good" and
# "Warning" are not; "Attention" is 4.46:1 in the dark theme), each with a symbol and the words, so
# colour is never the only sign (tests/cards/test_rendering.py checks the rendered cards).
STATE_COLOUR = {PairState.STARTING: "Default", PairState.ON_TRACK: "Default", PairState.AT_RISK: "Accent",
                PairState.DRIFTING: "Default", PairState.CLOSING: "Accent"}
STATE_MARK = {PairState.STARTING: "\u25b6", PairState.ON_TRACK: "\u2714", PairState.AT_RISK: "\u26a0",
              PairState.DRIFTING: "\u2716", PairState.CLOSING: "\u23f9"}
STATE_ORDER = (PairState.DRIFTING, PairState.AT_RISK, PairState.CLOSING, PairState.STARTING, PairState.ON_TRACK)


def alert_card(alert: Alert, programme_name: str, mentor: str, mentee: str) -> dict[str, Any]:
    """The same card for every manager; after any action each copy shows who did what, and when."""
    body: list[dict[str, Any]] = [
        heading(f"{alert.kind.value}: {who(mentor)} and {who(mentee)}"),
        facts([("Programme", programme_name), ("What", alert.reason), ("Raised", format_uk(alert.raised_at)),
               ("Status", ALERT_STATE[alert.state] + (f" until {format_uk(alert.snoozed_until)}" if alert.state is AlertState.SNOOZED and alert.snoozed_until else ""))]),
    ]
    if len(alert.steps) > SHOWN_ALERT_STEPS:
        body.append(text(f"...and {len(alert.steps) - SHOWN_ALERT_STEPS} earlier steps.", subtle=True))
    for step in alert.steps[-SHOWN_ALERT_STEPS:]:
        line = f"{who(step.by_name, 'A manager')} {step.action.value}, {format_uk(step.at)}"
        body.append(text(line + (f": \"{step.note}\"" if step.note else ""), subtle=True))
    if alert.state is AlertState.RESOLVED:
        return card(body + [done(f"Resolved by {who(alert.steps[-1].by_name, 'a manager')}")])
    body.append({"type": "Input.Text", "id": "note", "isMultiline": True, "maxLength": MAX_ALERT_NOTE,
                 "label": "Note (optional)", "placeholder": "A note to resolve with, or a message to send the pair"})
    data = {"programmeId": alert.programme_id, "alertId": alert.id, "pairId": alert.pair_id}
    actions = [] if alert.state is AlertState.ACKNOWLEDGED else [execute("Acknowledge", verbs.ALERT_ACKNOWLEDGE, data)]
    if alert.kind is AlertKind.CLOSE:
        actions.append(execute("Approve close", verbs.ALERT_APPROVE_CLOSE, data))
    return card(body, actions + [
        execute("Snooze 7 days", verbs.ALERT_SNOOZE, data),
        execute("Resolve with note", verbs.ALERT_RESOLVE, data, style="positive"),
        execute("Message the pair", verbs.ALERT_MESSAGE, data),
    ])


def channel_alert_card(alert: Alert, programme_name: str) -> dict[str, Any]:
    """The programme channel's copy: no names, no words, not even which kind of alert (the partner may be in
    the channel); the managers' personal copies keep the detail and the buttons."""
    body: list[dict[str, Any]] = [
        heading(f"A pair in {programme_name} needs a manager"),
        text("The details are in your personal chat with Tandem."),
        facts([("Raised", format_uk(alert.raised_at)), ("Status", alert.state.value)]),
    ]
    return card(body)


def status_card(programme_name: str, rows: list[tuple[str, str, Assessment]], shown_limit: int = SHOWN_STATUS_ROWS) -> dict[str, Any]:
    """Every pair as starting, on track, at risk, drifting or closing, with the reason. Never what anyone said."""
    counts = {s: sum(1 for *_, a in rows if a.state is s) for s in STATE_ORDER}
    body: list[dict[str, Any]] = [
        heading(f"{programme_name}: how the pairs are doing"),
        text(", ".join(f"{counts[s]} {PAIR_STATE[s]}" for s in reversed(STATE_ORDER) if counts[s] or s in _ALWAYS_COUNTED)),
    ]
    order = {s: i for i, s in enumerate(STATE_ORDER)}
    for mentor, mentee, assessment in sorted(rows, key=lambda r: (order[r[2].state], r[0]))[:shown_limit]:
        state = assessment.state
        body.append({"type": "TextBlock", "wrap": True, "color": STATE_COLOUR[state],
                     "text": f"{STATE_MARK[state]} **{person_name(mentor)} and {person_name(mentee)}**: {PAIR_STATE[state]} ({plain(assessment.reason)})"})
    if len(rows) > shown_limit:
        body.append(text(f"...and {len(rows) - shown_limit} more pairs on track or at risk.", subtle=True))
    if not rows:
        body.append(text("No pairs yet. Pair people with **pair @mentor @mentee**", markdown=True))
    return card(body)


_ALWAYS_COUNTED = (PairState.ON_TRACK, PairState.AT_RISK, PairState.DRIFTING)  # starting/closing only when there are some
