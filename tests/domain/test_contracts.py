"""The contract comes into force only when both have confirmed the same version; history is kept."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest

from bot.domain.contracts import CONFIDENTIALITY_LIMIT, Cadence, Contract, ContractStatus
from bot.domain.errors import AlreadyDone, InvalidInput, InvalidState, NotAllowed
from bot.domain.people import Role
from tests.domain.builders import NOW, PROGRAMME_END, clauses
from bot.storage.kinds import CONTRACT


def drafted() -> Contract:
    contract, _ = Contract("p1").propose(Role.MENTEE, clauses(), PROGRAMME_END, NOW)
    return contract


def test_mentor_cannot_draft_the_first_version():
    with pytest.raises(NotAllowed, match="mentee drafts"):
        Contract("p1").propose(Role.MENTOR, clauses(), PROGRAMME_END, NOW)


def test_a_draft_is_not_in_force_until_the_other_side_accepts():
    contract = drafted()
    assert contract.in_force is None and contract.pending.number == 1
    contract, accepted = contract.accept(Role.MENTOR, 1, NOW)
    assert accepted.status is ContractStatus.IN_FORCE and contract.in_force.number == 1
    assert accepted.confirmed_by == frozenset(Role)


def test_the_proposer_cannot_accept_their_own_proposal():
    with pytest.raises(AlreadyDone, match="waiting for your partner"):
        drafted().accept(Role.MENTEE, 1, NOW)


def test_accepting_twice_changes_nothing():
    contract, _ = drafted().accept(Role.MENTOR, 1, NOW)
    with pytest.raises(AlreadyDone, match="already in force"):
        contract.accept(Role.MENTOR, 1, NOW)


def test_counter_proposal_replaces_the_pending_version_and_needs_the_mentee():
    contract, counter = drafted().propose(Role.MENTOR, clauses(cadence=Cadence.FORTNIGHTLY), PROGRAMME_END, NOW)
    assert [v.status for v in contract.versions] == [ContractStatus.REPLACED, ContractStatus.PROPOSED]
    with pytest.raises(InvalidState, match="replaced"):
        contract.accept(Role.MENTOR, 1, NOW)
    contract, accepted = contract.accept(Role.MENTEE, counter.number, NOW)
    assert contract.in_force.clauses.cadence is Cadence.FORTNIGHTLY


def test_amendment_keeps_history_and_supersedes_the_old_version_only_when_agreed():
    contract, _ = drafted().accept(Role.MENTOR, 1, NOW)
    contract, amendment = contract.propose(Role.MENTOR, clauses(meeting_minutes=90), PROGRAMME_END, NOW)
    assert contract.in_force.number == 1 and contract.pending.number == 2  # old one stands meanwhile
    contract, _ = contract.accept(Role.MENTEE, 2, NOW + timedelta(days=1))
    assert [v.status for v in contract.versions] == [ContractStatus.SUPERSEDED, ContractStatus.IN_FORCE]
    assert contract.in_force.clauses.meeting_minutes == 90


def test_proposer_can_withdraw_but_partner_cannot():
    with pytest.raises(NotAllowed):
        drafted().withdraw(Role.MENTOR, 1)
    contract, withdrawn = drafted().withdraw(Role.MENTEE, 1)
    assert withdrawn.status is ContractStatus.WITHDRAWN and contract.pending is None


@pytest.mark.parametrize("change, problem", [
    ({"goals": ()}, "between 1 and 3 goals"),
    ({"goals": ("a", "b", "c", "d")}, "between 1 and 3 goals"),
    ({"meeting_minutes": 5}, "15 to 240 minutes"),
    ({"boundaries": "  "}, "boundaries"),
    ({"confidentiality": "We keep everything secret, always."}, "confidentiality limit"),
    ({"end_date": date(2028, 1, 1)}, "after the programme ends"),
    ({"review_date": date(2026, 1, 1)}, "review date"),
])
def test_clauses_that_break_a_rule_are_refused_with_a_reason(change, problem):
    with pytest.raises(InvalidInput, match=problem):
        Contract("p1").propose(Role.MENTEE, clauses(**change), PROGRAMME_END, NOW)


def test_confidentiality_clause_always_states_its_limit():
    contract = drafted()
    assert CONFIDENTIALITY_LIMIT in contract.pending.clauses.confidentiality
    assert "safeguarding" in CONFIDENTIALITY_LIMIT and "misconduct" in CONFIDENTIALITY_LIMIT


def test_contract_round_trips_through_its_document():
    contract, _ = drafted().accept(Role.MENTOR, 1, NOW)
    assert CONTRACT.load(CONTRACT.dump(contract)) == contract


def test_cadence_sets_when_the_next_session_is_due():
    assert Cadence.MONTHLY.next_due(date(2027, 1, 31)) == date(2027, 2, 28)
    assert Cadence.FORTNIGHTLY.next_due(date(2027, 1, 1)) == date(2027, 1, 15)
    assert Cadence.SIX_WEEKLY.next_due(date(2027, 1, 1)) == date(2027, 2, 12)
