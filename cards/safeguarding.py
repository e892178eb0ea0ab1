"""The safeguarding lead's card for a concern: who raised it, what they said, and what the lead has done."""

from __future__ import annotations

from typing import Any

from bot.domain.concerns import MAX_OUTCOME, Concern, ConcernState
from bot.domain.uktime import format_uk
from cards import verbs
from cards.adaptive import card, done, execute, facts, heading, text


def concern_card(concern: Concern, programme_name: str, reporter_name: str) -> dict[str, Any]:
    """Sent to the safeguarding lead only. The words are the reporter's; nobody else is sent this card."""
    body: list[dict[str, Any]] = [
        heading(f"Safeguarding concern: {programme_name}"),
        facts([("Raised by", reporter_name or "a participant"), ("Raised", format_uk(concern.raised_at)),
               ("Status", concern.state.value)]),
        text(concern.words or "(No details given: please contact them.)"),
        text("Only you, as the programme's safeguarding lead, have been sent this.", subtle=True),
    ]
    if concern.acknowledged_at:
        body.append(text(f"Acknowledged {format_uk(concern.acknowledged_at)}", subtle=True))
    if concern.state is ConcernState.CLOSED:
        return card(body + [text(f"Outcome: {concern.outcome}"), done(f"Outcome recorded {format_uk(concern.outcome_at)}")])
    body.append({"type": "Input.Text", "id": "note", "isMultiline": True, "maxLength": MAX_OUTCOME,
                 "label": "Outcome", "placeholder": "The outcome, to record it"})
    data = {"programmeId": concern.programme_id, "concernId": concern.id}
    actions = [execute("Record outcome", verbs.CONCERN_OUTCOME, data, style="positive")]
    if concern.state is ConcernState.SENT:
        actions.insert(0, execute("Acknowledge", verbs.CONCERN_ACKNOWLEDGE, data))
    return card(body, actions)
