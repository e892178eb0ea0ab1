"""Acting on a manager alert: acknowledge, snooze a week, resolve with a note; who did it is kept."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.domain.alerts import Alert, AlertAction, AlertKind, AlertState
from bot.domain.errors import AlreadyDone, InvalidInput
from bot.domain.limits import MAX_ALERT_STEPS
from tests.domain.builders import NOW
from bot.storage import kinds

ALERT = Alert("a1", "prog", "p1", AlertKind.HELP, "Adele would like a word", NOW)


def test_snooze_hides_an_alert_for_seven_days():
    snoozed = ALERT.act(AlertAction.SNOOZE, "m1", "Sam", NOW)
    assert snoozed.state is AlertState.SNOOZED and not snoozed.needs_attention(NOW + timedelta(days=6))
    assert snoozed.needs_attention(NOW + timedelta(days=7, minutes=1))


def test_resolving_needs_a_note_and_ends_the_alert():
    with pytest.raises(InvalidInput, match="note"):
        ALERT.act(AlertAction.RESOLVE, "m1", "Sam", NOW, "  ")
    resolved = ALERT.act(AlertAction.RESOLVE, "m1", "Sam", NOW, "Spoke to both; back on track")
    assert not resolved.needs_attention(NOW)
    with pytest.raises(AlreadyDone, match="resolved by Sam"):
        resolved.act(AlertAction.ACKNOWLEDGE, "m2", "Jo", NOW)


def test_every_step_records_who_and_when():
    acted = ALERT.act(AlertAction.ACKNOWLEDGE, "m1", "Sam", NOW).act(AlertAction.MESSAGE, "m2", "Jo", NOW, "Shall we talk Tuesday?")
    assert [(s.action, s.by_name) for s in acted.steps] == [(AlertAction.ACKNOWLEDGE, "Sam"), (AlertAction.MESSAGE, "Jo")]
    assert kinds.ALERT.load(kinds.ALERT.dump(acted)) == acted


def test_an_alert_messaged_again_and_again_keeps_only_its_latest_steps():
    alert = ALERT
    for n in range(MAX_ALERT_STEPS + 30):
        alert = alert.act(AlertAction.MESSAGE, "m1", "Sam", NOW + timedelta(hours=n), f"Message {n}")
    assert len(alert.steps) == MAX_ALERT_STEPS and alert.steps[-1].note == f"Message {MAX_ALERT_STEPS + 29}"
    assert alert.steps[0].note == "Message 30"
