"""Use cases over the real embedded store: who may act, who is told, what is kept private."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from bot.domain.contracts import ContractStatus
from bot.domain.errors import NotAllowed, NotFound
from bot.domain.sessions import SessionStatus
from cards import verbs
from tests.dialogs.harness import World, user
from tests.domain.builders import clauses

MANAGER, MENTOR, MENTEE, OUTSIDER = user("Manager"), user("Megan"), user("Adele"), user("Sam")




def card_verbs(message) -> list[str]:
    return [a.get("verb") for a in (message.card or {}).get("actions", []) if a["type"] == "Action.Execute"]


async def in_force(world: World, pair_id: str) -> None:
    await world.agree_contract(pair_id, MENTOR, MENTEE)


async def held_session(world: World, pair_id: str):
    return await world.hold_session(pair_id, MENTOR, MENTEE)


async def test_pairing_tells_both_people_who_their_partner_is(world):
    await world.pair(MANAGER, MENTOR, MENTEE)
    assert any("your mentee is Adele" in m.text for m in world.messenger.to(MENTOR.id))
    to_mentee = [m for m in world.messenger.to(MENTEE.id) if "your mentor is Megan" in m.text]
    assert to_mentee and card_verbs(to_mentee[0]) == [verbs.CONTRACT_DRAFT, verbs.MATCH_DECLINE]  # the next step first


async def test_someone_paired_before_installing_gets_the_news_when_they_first_open_tandem(world):
    programme = await world.programme(MANAGER, "Pilot")
    await world.services.pairs.pair_people(MANAGER, programme.id, MENTOR, MENTEE)  # neither has a chat yet
    assert world.messenger.sent == []
    _, notices = await world.services.pairs.register(MENTEE, {"conversation": {"id": "c"}})
    assert any("your mentor is Megan" in n for n in notices)
    _, again = await world.services.pairs.register(MENTEE, {"conversation": {"id": "c"}})
    assert again == ()


async def test_only_a_programme_manager_can_pair(world):
    programme = await world.programme(MANAGER, "Pilot")
    with pytest.raises(NotAllowed):
        await world.services.pairs.pair_people(OUTSIDER, programme.id, MENTOR, MENTEE)


async def test_someone_outside_the_pair_cannot_view_or_accept_its_contract(world):
    pair_id = await world.pair(MANAGER, MENTOR, MENTEE)
    await world.services.contracts.propose(MENTEE, pair_id, clauses())
    with pytest.raises(NotAllowed):
        await world.services.contracts.current(OUTSIDER, pair_id)
    with pytest.raises(NotAllowed):
        await world.services.contracts.accept(OUTSIDER, pair_id, 1)
    with pytest.raises(NotAllowed):  # nor can the manager: only the pair agree their contract
        await world.services.contracts.accept(MANAGER, pair_id, 1)


async def test_contract_accepted_comes_into_force_and_the_proposer_is_told(world):
    pair_id = await world.pair(MANAGER, MENTOR, MENTEE)
    await world.services.contracts.propose(MENTEE, pair_id, clauses())
    review = world.messenger.to(MENTOR.id)[-1]
    assert card_verbs(review) == [verbs.CONTRACT_ACCEPT, verbs.CONTRACT_CHANGE]
    accepted = await world.services.contracts.accept(MENTOR, pair_id, 1)
    assert accepted.status is ContractStatus.IN_FORCE
    assert "in force" in world.messenger.to(MENTEE.id)[-1].text


async def test_concurrent_confirmations_never_lose_an_update(world):
    pair_id = await world.pair(MANAGER, MENTOR, MENTEE)
    await in_force(world, pair_id)
    s = world.services.sessions
    session = await s.propose(MENTEE, pair_id, world.clock.now() + timedelta(days=3))
    await s.accept(MENTOR, pair_id, session.id)
    world.clock.advance(timedelta(days=4))
    await asyncio.gather(s.record_attendance(MENTOR, pair_id, session.id, True),
                         s.record_attendance(MENTEE, pair_id, session.id, True))
    stored = (await world.services.ctx.repos.pairs.schedule(pair_id)).session(session.id)
    assert stored.status is SessionStatus.HELD and stored.attendance == {"mentor": True, "mentee": True}


async def test_held_session_prompts_both_to_reflect_and_book_the_next_one_by_the_cadence(world):
    pair_id = await world.pair(MANAGER, MENTOR, MENTEE)
    await in_force(world, pair_id)
    await held_session(world, pair_id)
    for person in (MENTOR, MENTEE):
        sent = world.messenger.to(person.id)
        assert any(verbs.REFLECTION_START in card_verbs(m) for m in sent)
        booking = [m for m in sent if verbs.SESSION_PROPOSE in card_verbs(m)]
        assert booking and "Sat 13 Feb 2027" in booking[-1].text  # held 13 Jan + monthly


async def test_sweep_asks_both_once_after_the_session_time_and_not_for_cancelled_ones(world):
    pair_id = await world.pair(MANAGER, MENTOR, MENTEE)
    await in_force(world, pair_id)
    s = world.services.sessions
    kept = await s.propose(MENTEE, pair_id, world.clock.now() + timedelta(days=2))
    await s.accept(MENTOR, pair_id, kept.id)
    dropped = await s.propose(MENTEE, pair_id, world.clock.now() + timedelta(days=3))
    await s.accept(MENTOR, pair_id, dropped.id)
    await s.cancel(MENTOR, pair_id, dropped.id)
    def asked_since(mark):
        return [m for _, m in world.messenger.sent[mark:] if verbs.SESSION_HAPPENED in card_verbs(m)]

    mark = len(world.messenger.sent)
    await world.services.due_work.sweep()
    assert asked_since(mark) == []  # nothing due yet
    world.clock.advance(timedelta(days=3))  # Thursday morning: not a quiet time
    mark = len(world.messenger.sent)
    await world.services.due_work.sweep()
    assert len(asked_since(mark)) == 2  # both, once, and not for the cancelled session
    mark = len(world.messenger.sent)
    await world.services.due_work.sweep()
    assert asked_since(mark) == []  # a second sweep sends nothing again


async def test_mentor_cannot_read_the_mentees_private_reflection(world):
    pair_id = await world.pair(MANAGER, MENTOR, MENTEE)
    await in_force(world, pair_id)
    session = await held_session(world, pair_id)
    private = await world.services.reflections.write(MENTEE, pair_id, session.id, "Nerves", "Trust", "Ask more", 4, False)
    with pytest.raises(NotFound):
        await world.services.reflections.read(MENTOR, MENTEE.id, private.id)
    with pytest.raises(NotFound):
        await world.services.reflections.read(MANAGER, MENTEE.id, private.id)
    assert (await world.services.reflections.read(MENTEE, MENTEE.id, private.id)).discussed == "Nerves"
    own, shared = await world.services.reflections.mine(MENTOR)
    assert own == [] and shared == []


async def test_shared_reflection_reaches_the_partner_only(world):
    pair_id = await world.pair(MANAGER, MENTOR, MENTEE)
    await in_force(world, pair_id)
    session = await held_session(world, pair_id)
    shared = await world.services.reflections.write(MENTEE, pair_id, session.id, "Nerves", "Trust", "Ask more", 4, True)
    assert (await world.services.reflections.read(MENTOR, MENTEE.id, shared.id)).id == shared.id
    _, for_mentor = await world.services.reflections.mine(MENTOR)
    assert [r.id for _, r in for_mentor] == [shared.id]
    with pytest.raises(NotFound):
        await world.services.reflections.read(MANAGER, MENTEE.id, shared.id)
