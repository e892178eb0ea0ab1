"""Cards around a pairing's lifecycle offer only what can still be done: an acknowledged alert no longer
offers Acknowledge; a request for a no-fault close offers managers "Approve close"."""

from __future__ import annotations

from datetime import datetime, timezone

from bot.domain.alerts import Alert, AlertAction, AlertKind
from cards import verbs
from cards.alerts import alert_card

NOW = datetime(2027, 1, 5, 10, tzinfo=timezone.utc)


def verbs_on(card: dict) -> list[str]:
    return [a["verb"] for a in card.get("actions", [])]


def test_an_acknowledged_alert_no_longer_offers_acknowledge():
    alert = Alert("help.p1.x", "prog", "p1", AlertKind.HELP, "would like a word", NOW)
    assert verbs.ALERT_ACKNOWLEDGE in verbs_on(alert_card(alert, "Pilot", "Megan", "Adele"))
    acknowledged = alert.act(AlertAction.ACKNOWLEDGE, "m", "Sam", NOW)
    shown = verbs_on(alert_card(acknowledged, "Pilot", "Megan", "Adele"))
    assert verbs.ALERT_ACKNOWLEDGE not in shown and verbs.ALERT_RESOLVE in shown


def test_a_close_request_offers_approve_close_and_other_alerts_do_not():
    close = Alert("close.p1.x", "prog", "p1", AlertKind.CLOSE, "asks for a no-fault close", NOW)
    shown = verbs_on(alert_card(close, "Pilot", "Megan", "Adele"))
    assert verbs.ALERT_APPROVE_CLOSE in shown and len(shown) <= 5
    help_alert = Alert("help.p1.x", "prog", "p1", AlertKind.HELP, "would like a word", NOW)
    assert verbs.ALERT_APPROVE_CLOSE not in verbs_on(alert_card(help_alert, "Pilot", "Megan", "Adele"))
    approved = close.act(AlertAction.APPROVE_CLOSE, "m", "Sam", NOW)
    assert verbs_on(alert_card(approved, "Pilot", "Megan", "Adele")) == []
