"""Cards for the mentoring contract: a version to review, the contract in force, and its history."""

from __future__ import annotations

from typing import Any

from bot.domain.contracts import Clauses, Contract, ContractStatus, ContractVersion, changed_clauses
from bot.domain.limits import SHOWN_VERSIONS
from bot.domain.people import Role
from bot.domain.text import plain
from bot.domain.uktime import format_day, format_uk
from cards import verbs
from cards.adaptive import card, done, execute, facts, heading, text, who
from cards.words import CLAUSE, CONTRACT_STATUS, ROLE_IN_KIND, meetings


def _clause_blocks(c: Clauses) -> list[dict[str, Any]]:
    goals = "\n".join(f"{i}. {plain(goal)}" for i, goal in enumerate(c.goals, 1))  # a real list of escaped goals
    return [
        text("**Goals**", markdown=True),
        text(goals, markdown=True),
        facts([
            ("Meetings", meetings(c.cadence, c.meeting_minutes, c.meeting_format)),
            ("Between meetings", c.contact_between),
            ("Confidentiality", c.confidentiality),
            ("Boundaries", c.boundaries),
            ("Starts", format_day(c.start_date)),
            ("Review", format_day(c.review_date)),
            ("Ends", format_day(c.end_date)),
        ]),
    ]


def contract_card(
    pair_id: str, version: ContractVersion, names: dict[Role, str], viewer: Role, note: str = "",
    compared_with: ContractVersion | None = None, kind: str = "",
) -> dict[str, Any]:
    """One version of the contract, with the buttons that fit the viewer and where the version stands;
    with `compared_with`, a short list of the clauses that differ from that version first. `kind` is the
    programme's: a reverse programme's contract says who shares their lived experience."""
    names = _names(names)
    status = version.status
    title = f"{'Reverse mentoring' if kind == 'reverse' else 'Mentoring'} contract, version {version.number}"
    state = {
        ContractStatus.PROPOSED: f"Proposed by {names[version.proposed_by]} ({version.proposed_by.value}) on {format_uk(version.proposed_at)}",
        ContractStatus.IN_FORCE: f"In force since {format_uk(version.in_force_at)}: confirmed by both of you" if version.in_force_at else "In force",
    }.get(status, f"This version was {CONTRACT_STATUS[status]}.")
    body = [
        heading(title),
        text(f"Between {names[Role.MENTOR]} ({ROLE_IN_KIND.get((kind, 'mentor'), 'mentor')}) and "
             f"{names[Role.MENTEE]} ({ROLE_IN_KIND.get((kind, 'mentee'), 'mentee')})", subtle=True),
        *_changes(version, compared_with),
        *_clause_blocks(version.clauses),
        text(state, subtle=True),
    ]
    data = {"pairId": pair_id, "version": version.number}
    actions: list[dict[str, Any]] = []
    if note:
        body.append(done(note))
    elif status is ContractStatus.PROPOSED and viewer not in version.confirmed_by:
        actions = [
            execute("Accept", verbs.CONTRACT_ACCEPT, data, style="positive"),
            execute("Propose changes", verbs.CONTRACT_CHANGE, data),
        ]
    elif status is ContractStatus.PROPOSED:
        body.append(text("Waiting for your partner to accept or propose changes."))
        actions = [execute("Withdraw", verbs.CONTRACT_WITHDRAW, data)]
    elif status is ContractStatus.IN_FORCE:  # the next step first: booking a session
        actions = [execute("Propose a time", verbs.SESSION_PROPOSE, {"pairId": pair_id}, style="positive"),
                   execute("Propose an amendment", verbs.CONTRACT_CHANGE, data)]
    return card(body, actions)


def _changes(version: ContractVersion, compared_with: ContractVersion | None) -> list[dict[str, Any]]:
    if compared_with is None:
        return []
    changed = changed_clauses(compared_with.clauses, version.clauses)
    if not changed:
        return [text(f"Nothing changed from version {compared_with.number}.")]
    return [text(f"**Changed from version {compared_with.number}**", markdown=True),
            text("\n".join(f"- {CLAUSE[c]}" for c in changed), markdown=True)]


def draft_card(clauses: Clauses, names: dict[Role, str]) -> dict[str, Any]:
    """The contract being written, before it is sent: no buttons, the dialog asks what next."""
    names = _names(names)
    return card([
        heading("Your draft contract"),
        text(f"Between {names[Role.MENTOR]} (mentor) and {names[Role.MENTEE]} (mentee)", subtle=True),
        *_clause_blocks(clauses),
        text("Not sent yet.", subtle=True),
    ])


def _names(names: dict[Role, str]) -> dict[Role, str]:
    return {role: who(names[role], f"the {role.value}") for role in Role}


def no_contract_card(pair_id: str, viewer: Role, partner_name: str) -> dict[str, Any]:
    partner_name = who(partner_name, "your partner")
    if viewer is Role.MENTEE:
        return card(
            [heading("No contract yet"),
             text(f"As the mentee you draft the contract with {partner_name}: 1 to 3 goals, how often and how you'll meet, "
                  "confidentiality and its limits, boundaries, and dates.")],
            [execute("Draft the contract", verbs.CONTRACT_DRAFT, {"pairId": pair_id}, style="positive")],
        )
    return card([heading("No contract yet"),
                 text(f"{partner_name} (your mentee) drafts it; I'll bring it to you to accept or change.")])


def contract_history_card(contract: Contract) -> dict[str, Any]:
    """Every version, newest last; a long history shows the latest SHOWN_VERSIONS and counts the rest."""
    shown = contract.versions[-SHOWN_VERSIONS:]
    rows = [
        (f"Version {v.number}", f"{CONTRACT_STATUS[v.status].capitalize()}. Proposed by the {v.proposed_by.value} on {format_uk(v.proposed_at)}")
        for v in shown
    ]
    body = [heading("Contract history"), facts(rows)]
    if len(contract.versions) > len(shown):
        body.append(text(f"...and {len(contract.versions) - len(shown)} earlier versions.", subtle=True))
    return card(body)
