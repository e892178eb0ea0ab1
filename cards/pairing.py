"""Cards for programmes and pairings: who your partner is and what to do next."""

from __future__ import annotations

from typing import Any

from bot.domain.people import Role
from bot.domain.programmes import Programme
from bot.domain.uktime import format_day
from cards import verbs
from cards.adaptive import card, execute, facts, heading, text, who


def paired_card(pair_id: str, programme: Programme, role: Role, partner_name: str) -> dict[str, Any]:
    partner_name = who(partner_name, f"your {role.other.value}")
    if role is Role.MENTEE:
        next_step = (f"Next: draft your mentoring contract. You set 1 to 3 goals and {partner_name} accepts or proposes changes. "
                     "Say **contract** any time.")
        actions = [execute("Draft the contract", verbs.CONTRACT_DRAFT, {"pairId": pair_id}, style="positive")]
    else:
        next_step = (f"Next: {partner_name} drafts your mentoring contract and I'll bring it to you to accept or change. "
                     "You could say hello in the meantime.")
        actions = []
    return card(
        [heading(f"You've been paired in {programme.name}"),
         facts([("Your role", role.value), (f"Your {role.other.value}", partner_name),
                ("Programme ends", format_day(programme.ends_on))]),
         text(next_step)],
        actions,
    )


def programme_card(programme: Programme, pair_count: int) -> dict[str, Any]:
    return card([
        heading(programme.name),
        facts([("Runs", f"{format_day(programme.starts_on)} to {format_day(programme.ends_on)}"), ("Pairs", str(pair_count))]),
        text("Pair people with **pair @mentor @mentee**", subtle=True, markdown=True),
    ])
