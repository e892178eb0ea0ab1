"""Group mentoring: one mentor, several mentees. A group programme's mentor takes mentees up to their
capacity; a mentee is still in one active pairing; each pairing keeps its own contract and sessions; the
mentor's pair commands ask which mentee they mean."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.domain.errors import NotAllowed
from bot.domain.matching import Method
from bot.domain.people import Role
from bot.domain.programmes import CloseReason, allows_several
from tests.dialogs.harness import World, text_of, user

MANAGER = user("Manager")
MEGAN, ISAIAH = user("Megan"), user("Isaiah")
ADELE, PATTI, NESTOR, LEE = user("Adele"), user("Patti"), user("Nestor"), user("Lee")
ROSTER = ("email,name,role,capacity,focus_areas\n"
          f"{MEGAN.email},Megan,mentor,3,knife crime\n{ISAIAH.email},Isaiah,mentor,1,finance\n"
          f"{ADELE.email},Adele,mentee,,knife crime\n{PATTI.email},Patti,mentee,,knife crime\n"
          f"{NESTOR.email},Nestor,mentee,,knife crime\n{LEE.email},Lee,mentee,,finance\n")


async def enrolled(world: World, kind: str = "group", roster: str = ROSTER) -> str:
    programme = await world.programme(MANAGER, "Group pilot")
    await world.chat(MANAGER).say("hello")
    await world.services.programmes.change_settings(MANAGER, programme.id, kind, "suggested", "knife crime; finance", "", "monthly")
    await world.services.enrolment.import_roster(MANAGER, programme.id, roster)
    for person in (MEGAN, ISAIAH, ADELE, PATTI, NESTOR, LEE):
        await world.chat(person).say("hello")
        await world.services.enrolment.join(person, programme.id)
    return programme.id


def programme_of_kind(kind: str):
    from dataclasses import replace
    from datetime import date, datetime, timezone

    from bot.domain.programmes import new_programme

    made = new_programme("p1", "t1", "Pilot", "m1", date(2027, 1, 4), datetime(2027, 1, 4, tzinfo=timezone.utc))
    return replace(made, kind=kind)


def test_only_a_group_programmes_mentors_may_be_in_several_pairings():
    assert allows_several(programme_of_kind("group"), Role.MENTOR)
    assert not allows_several(programme_of_kind("group"), Role.MENTEE)
    for kind in ("traditional", "reverse", "cross-sector", "peer"):
        assert not any(allows_several(programme_of_kind(kind), role) for role in Role)


@pytest.mark.parametrize("method", [Method.SUGGESTED, Method.STABLE])
async def test_a_group_proposal_gives_a_mentor_several_mentees_and_publishing_pairs_them_all(world, method):
    programme_id = await enrolled(world)
    s = world.services
    proposal = await s.enrolment.proposal(MANAGER, programme_id, method)
    pairs = {(p.mentor, p.mentee) for p in proposal.result.pairs}
    assert pairs == {(MEGAN.email, ADELE.email), (MEGAN.email, PATTI.email), (MEGAN.email, NESTOR.email),
                     (ISAIAH.email, LEE.email)}
    published = await s.enrolment.publish(MANAGER, programme_id, method, proposal.digest)
    assert published.not_paired == () and len(published.paired) == 4
    views = await s.pairs.views(MEGAN)
    assert sorted(v.partner.name for v in views) == ["Adele", "Nestor", "Patti"]
    assert all(v.role is Role.MENTOR for v in views) and len({v.pair.id for v in views}) == 3
    match_cards = [str(m.card) for m in world.messenger.to(MEGAN.id) if m.card and "been paired" in str(m.card)]
    assert len(match_cards) == 3 and all("you may have several mentees" in c for c in match_cards)
    for mentee in (ADELE, PATTI, NESTOR):
        assert [v.partner.name for v in await s.pairs.views(mentee)] == ["Megan"]
        assert any("your mentor is Megan" in (m.text or "") for m in world.messenger.to(mentee.id))


async def test_each_pairing_in_a_group_keeps_its_own_contract_and_sessions(world):
    programme_id = await enrolled(world)
    s = world.services
    proposal = await s.enrolment.proposal(MANAGER, programme_id)
    await s.enrolment.publish(MANAGER, programme_id, proposal.method, proposal.digest)
    by_mentee = {v.partner.name: v.pair.id for v in await s.pairs.views(MEGAN)}
    await world.agree_contract(by_mentee["Adele"], MEGAN, ADELE)
    session = await s.sessions.propose(PATTI, by_mentee["Patti"], world.clock.now() + timedelta(days=2))
    await s.sessions.accept(MEGAN, by_mentee["Patti"], session.id)
    assert (await s.ctx.repos.pairs.contract(by_mentee["Adele"])).in_force is not None
    assert (await s.ctx.repos.pairs.contract(by_mentee["Patti"])).in_force is None
    assert [x.id for x in (await s.ctx.repos.pairs.schedule(by_mentee["Patti"])).sessions] == [session.id]
    assert (await s.ctx.repos.pairs.schedule(by_mentee["Adele"])).sessions == ()


async def test_a_group_mentor_is_asked_which_mentee_a_command_is_about(world):
    programme_id = await enrolled(world)
    s = world.services
    proposal = await s.enrolment.proposal(MANAGER, programme_id)
    await s.enrolment.publish(MANAGER, programme_id, proposal.method, proposal.digest)
    for command in ("sessions", "contract", "schedule", "reflect"):
        shown = text_of(await world.chat(MEGAN).say(command))
        assert "Which of your mentees do you mean?" in shown, command
        assert all(f"{name} (your mentee, Group pilot)" in shown for name in ("Adele", "Patti", "Nestor"))
        cancelled = text_of(await world.chat(MEGAN).say("cancel"))
        assert "Cancelled" in cancelled and "When would you like to meet" not in cancelled and "goals" not in cancelled
    replies = await world.chat(MEGAN).say("sessions")
    assert "Which of your mentees" in text_of(replies)
    shown = text_of(await world.chat(MEGAN).say("Patti"))
    assert "Patti" in shown and "Which of your mentees" not in shown
    assert "Which" not in text_of(await world.chat(ADELE).say("sessions"))  # a mentee has one pairing: no question


async def test_a_group_mentor_takes_no_more_mentees_than_their_capacity_and_a_mentee_keeps_one_mentor(world):
    programme_id = await enrolled(world, roster=ROSTER.replace(f"{MEGAN.email},Megan,mentor,3", f"{MEGAN.email},Megan,mentor,2"))
    s = world.services
    await s.pairs.pair_people(MANAGER, programme_id, MEGAN, ADELE)
    # Room for one more: the proposal offers Megan's one place left, and Isaiah's.
    proposal = await s.enrolment.proposal(MANAGER, programme_id)
    assert sum(1 for p in proposal.result.pairs if p.mentor == MEGAN.email) == 1 and len(proposal.result.pairs) == 2
    await s.pairs.pair_people(MANAGER, programme_id, MEGAN, PATTI)
    with pytest.raises(NotAllowed, match="already mentors 2 people.*as many as they said they can take"):
        await s.pairs.pair_people(MANAGER, programme_id, MEGAN, NESTOR)
    with pytest.raises(NotAllowed, match="one active pairing per programme"):
        await s.pairs.pair_people(MANAGER, programme_id, ISAIAH, ADELE)  # a mentee has one mentor
    with pytest.raises(NotAllowed, match="one active pairing per programme"):
        await s.pairs.pair_people(MANAGER, programme_id, ADELE, NESTOR)  # nor is a mentee a mentor as well
    proposal = await s.enrolment.proposal(MANAGER, programme_id)
    assert MEGAN.email not in {p.mentor for p in proposal.result.pairs}
    assert len(await s.pairs.views(MEGAN)) == 2


async def test_outside_group_programmes_a_mentor_with_room_on_the_roster_still_takes_one_mentee(world):
    programme_id = await enrolled(world, kind="traditional")
    s = world.services
    proposal = await s.enrolment.proposal(MANAGER, programme_id)
    assert sum(1 for p in proposal.result.pairs if p.mentor == MEGAN.email) == 1  # so publishing pairs everyone proposed
    published = await s.enrolment.publish(MANAGER, programme_id, proposal.method, proposal.digest)
    assert published.not_paired == () and len(published.paired) == 2
    with pytest.raises(NotAllowed, match="one active pairing per programme"):
        await s.pairs.pair_people(MANAGER, programme_id, MEGAN, NESTOR)


async def test_when_a_group_pairing_ends_early_a_mentor_with_a_place_left_is_offered(world):
    programme_id = await enrolled(world, roster=ROSTER.replace(f"{ISAIAH.email},Isaiah,mentor,1,finance",
                                                               f"{ISAIAH.email},Isaiah,mentor,2,knife crime"))
    s = world.services
    await s.pairs.pair_people(MANAGER, programme_id, MEGAN, ADELE)
    await s.pairs.pair_people(MANAGER, programme_id, ISAIAH, LEE)  # Isaiah still has a place
    view, = await s.pairs.views(ADELE)
    await s.pairs.close(MANAGER, view.pair.id, CloseReason.NO_FAULT)
    offers = [m.card for m in world.messenger.to(MANAGER.id) if m.card and "Pair them" in str(m.card)]
    assert offers and "Isaiah" in str(offers[-1]) and "Adele" in str(offers[-1])
