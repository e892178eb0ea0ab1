"""Alerts for programme managers: a pair drifting from its contract, asking for help, or asking to close."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import Enum
from typing import Any

from bot.domain.errors import AlreadyDone, InvalidInput, InvalidState
from bot.domain.limits import MAX_ALERT_NOTE, MAX_ALERT_STEPS, MAX_REQUEST_NOTE, check_length, too_long
from bot.domain.text import person_name

SNOOZE = timedelta(days=7)
CHANNEL_COPY = "channel"  # marks a delivery as the programme channel's copy (the card without personal words)
SAME_MESSAGE_WITHIN = timedelta(minutes=15)  # the same message to the pair pressed again this soon is the same message


class AlertKind(str, Enum):
    DRIFT = "Drifting from their contract"
    HELP = "Help requested"
    CLOSE = "No-fault close requested"


class AlertState(str, Enum):
    OPEN = "open"
    ACKNOWLEDGED = "acknowledged"
    SNOOZED = "snoozed"
    RESOLVED = "resolved"


class AlertAction(str, Enum):
    ACKNOWLEDGE = "acknowledged"
    SNOOZE = "snoozed for 7 days"
    RESOLVE = "resolved"
    MESSAGE = "messaged the pair"
    APPROVE_CLOSE = "approved the no-fault close"


@dataclass(frozen=True)
class Step:
    """Who did what to an alert, and when: shown on every manager's copy of the card."""

    action: AlertAction
    by_id: str
    by_name: str
    at: datetime
    note: str = ""


@dataclass(frozen=True)
class Alert:
    id: str
    programme_id: str
    pair_id: str
    kind: AlertKind
    reason: str  # never reflection text: what the rule found, or what the requester chose to say
    raised_at: datetime
    state: AlertState = AlertState.OPEN
    snoozed_until: datetime | None = None
    steps: tuple[Step, ...] = ()
    deliveries: tuple[dict[str, Any], ...] = ()  # where each copy of the card was posted (to update it)
    raised_by: str = ""  # the person who asked (help, close); empty when a rule raised it

    def needs_attention(self, now: datetime) -> bool:
        if self.state is AlertState.RESOLVED:
            return False
        return not (self.state is AlertState.SNOOZED and self.snoozed_until and self.snoozed_until > now)

    def act(self, action: AlertAction, by_id: str, by_name: str, now: datetime, note: str = "") -> "Alert":
        if self.state is AlertState.RESOLVED:
            last = self.steps[-1] if self.steps else None
            who = f" by {person_name(last.by_name, 'a manager')}" if last else ""
            raise AlreadyDone(f"This alert was already resolved{who}.")
        note = (note or "").strip()
        if len(note) > MAX_ALERT_NOTE:
            what = "the message" if action is AlertAction.MESSAGE else "the note"
            raise InvalidInput(too_long(what, MAX_ALERT_NOTE, len(note)))
        if action in (AlertAction.RESOLVE, AlertAction.MESSAGE) and not note:
            raise InvalidInput("Please write a note first." if action is AlertAction.RESOLVE else "Please write the message first.")
        state, until = self.state, self.snoozed_until
        last = self.steps[-1] if self.steps else None
        if (action is AlertAction.MESSAGE and last is not None and last.action is AlertAction.MESSAGE and last.by_id == by_id
                and last.note == note and now - last.at < SAME_MESSAGE_WITHIN):
            raise AlreadyDone("That message was already sent to the pair.")  # pressed again (say, after a fault)
        if action is AlertAction.APPROVE_CLOSE and self.kind is not AlertKind.CLOSE:
            raise InvalidState("Only a request for a no-fault close can be approved.")
        if action is AlertAction.ACKNOWLEDGE:
            if self.state is AlertState.ACKNOWLEDGED:
                raise AlreadyDone("Already acknowledged.")
            state, until = AlertState.ACKNOWLEDGED, None
        elif action is AlertAction.SNOOZE:
            state, until = AlertState.SNOOZED, now + SNOOZE
        elif action in (AlertAction.RESOLVE, AlertAction.APPROVE_CLOSE):
            state, until = AlertState.RESOLVED, None
        steps = (self.steps + (Step(action, by_id, by_name, now, note),))[-MAX_ALERT_STEPS:]
        return replace(self, state=state, snoozed_until=until, steps=steps)

    def with_delivery(self, delivery: dict[str, Any]) -> "Alert":
        return replace(self, deliveries=self.deliveries + (delivery,))

    def keep_delivery(self, delivery: dict[str, Any], channel: bool = False) -> "Alert":
        """Where one copy of the card went (the channel's, with `channel`), unless that copy is kept already."""
        if any(kept.get("activityId") == delivery.get("activityId") for kept in self.deliveries):
            return self
        return self.with_delivery({**delivery, **({CHANNEL_COPY: True} if channel else {})})


def request_note(note: str | None) -> str:
    """The words someone adds to "ask for help" or "no-fault close", checked before anything is raised."""
    return check_length("what you add", note or "", MAX_REQUEST_NOTE)
