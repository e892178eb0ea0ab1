"""The drift domain decides what `status` calls a pair: starting before its contract (while nothing is
wrong), closing once a no-fault close is asked for; and which version a contract change is compared with."""

from __future__ import annotations

from datetime import timedelta

from bot.domain.contracts import Contract
from bot.domain.drift import Health, PairState, assess
from bot.domain.people import Role
from bot.domain.programmes import Pair, PairStatus
from bot.domain.sessions import Schedule
from tests.domain.builders import NOW, PROGRAMME_END, clauses


def pair() -> Pair:
    return Pair("p1", "prog", "t", "t:mentor", "t:mentee", PairStatus.ACTIVE, NOW, "t:manager")


def agreed() -> Contract:
    contract, first = Contract("p1").propose(Role.MENTEE, clauses(), PROGRAMME_END, NOW)
    contract, _ = contract.accept(Role.MENTOR, first.number, NOW)
    return contract


def test_a_new_pair_with_no_contract_is_starting_not_on_track():
    assessment = assess(pair(), Contract("p1"), Schedule("p1"), NOW + timedelta(days=2))
    assert assessment.health is Health.ON_TRACK and assessment.state is PairState.STARTING
    assert assessment.reason == "agreeing their contract"


def test_a_pair_late_with_its_contract_is_at_risk_not_starting():
    assessment = assess(pair(), Contract("p1"), Schedule("p1"), NOW + timedelta(days=8))
    assert assessment.state is PairState.AT_RISK


def test_a_pair_with_a_contract_is_on_track():
    assert assess(pair(), agreed(), Schedule("p1"), NOW + timedelta(days=2)).state is PairState.ON_TRACK


def test_a_pair_that_asked_to_close_is_closing_whatever_else():
    for contract in (Contract("p1"), agreed()):
        assessment = assess(pair(), contract, Schedule("p1"), NOW + timedelta(days=2), closing=True)
        assert assessment.state is PairState.CLOSING and assessment.reason == "asked for a no-fault close"


def test_an_amendment_is_compared_with_the_version_in_force_and_a_counter_with_the_proposal_it_answers():
    contract = agreed()
    contract, amendment = contract.propose(Role.MENTOR, clauses(meeting_minutes=90), PROGRAMME_END, NOW)
    assert contract.compared_with(amendment).number == 1
    first_draft_only, draft = Contract("p1").propose(Role.MENTEE, clauses(), PROGRAMME_END, NOW)
    assert first_draft_only.compared_with(draft) is None
    countered, counter = first_draft_only.propose(Role.MENTOR, clauses(boundaries="x"), PROGRAMME_END, NOW)
    assert countered.compared_with(counter).number == draft.number
