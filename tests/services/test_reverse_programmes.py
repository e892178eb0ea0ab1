"""Reverse mentoring (S3): the mentor is the junior party. Three young women from community organisations
mentor three senior officers, one focus area each; matching pairs each officer with the mentor who shares
their focus area, the junior party as mentor; the cards and messages about the pairing say it is reverse."""

from __future__ import annotations

from bot.domain.people import Role
from cards import verbs
from tests.dialogs.harness import World, press, text_of, user
from tests.domain.builders import clauses

MANAGER = user("Manager")
MENTORS = {"knife crime": user("Amara"), "domestic abuse": user("Bethany"), "social inequality": user("Chloe")}
OFFICERS = {"domestic abuse": user("Hale"), "social inequality": user("Iqbal"),
            "knife crime": user("Jones")}
ROSTER = "email,name,role,organisation,focus_areas\n" + "".join(
    f"{p.email},{p.name},{role},{org},{focus}\n"
    for people, role, org in ((MENTORS, "mentor", "Newham Youth Forum"), (OFFICERS, "mentee", "Met Police"))
    for focus, p in people.items())
REVERSE_NOTE = "the mentor shares their lived experience with a senior officer"


async def reverse_programme(world: World, greetings: dict[str, str] | None = None) -> str:
    """The pilot set up and everyone joined; `greetings` gets what each was shown on first opening Tandem."""
    programme = await world.programme(MANAGER, "Reverse mentoring pilot")
    await world.chat(MANAGER).say("hello")
    await world.services.programmes.change_settings(
        MANAGER, programme.id, "reverse", "suggested", "knife crime; domestic abuse; social inequality", "", "monthly")
    await world.services.enrolment.import_roster(MANAGER, programme.id, ROSTER)
    for person in (*MENTORS.values(), *OFFICERS.values()):
        shown = text_of(await world.chat(person).say("hello"))
        if greetings is not None:
            greetings[person.name] = shown
        await world.services.enrolment.join(person, programme.id)
    return programme.id


async def test_reverse_matching_pairs_each_officer_with_the_junior_mentor_sharing_their_focus_area(world):
    programme_id = await reverse_programme(world)
    proposal = await world.services.enrolment.proposal(MANAGER, programme_id)
    assert {(p.mentor, p.mentee) for p in proposal.result.pairs} == {
        (MENTORS[focus].email, OFFICERS[focus].email) for focus in MENTORS}
    assert all(f"shared focus: {focus}" in " ".join(p.reasons) for p in proposal.result.pairs
               for focus in MENTORS if p.mentor == MENTORS[focus].email)
    published = await world.services.enrolment.publish(MANAGER, programme_id, proposal.method, proposal.digest)
    assert len(published.paired) == 3
    for focus, officer in OFFICERS.items():
        view, = await world.services.pairs.views(officer)
        assert view.role is Role.MENTEE and view.pair.mentor_id == MENTORS[focus].id  # the junior party mentors


async def test_the_proposal_roster_and_join_cards_say_the_programme_is_reverse_mentoring(world):
    greetings: dict[str, str] = {}
    await reverse_programme(world, greetings)
    manager = world.chat(MANAGER)
    assert REVERSE_NOTE in text_of(await manager.say("match"))
    assert REVERSE_NOTE in text_of(await manager.say("roster"))
    invitation = greetings["Amara"]  # the invitation says so before anyone joins
    assert "invited to join Reverse mentoring pilot as a mentor" in invitation and REVERSE_NOTE in invitation


async def test_match_cards_and_the_contract_tell_each_side_who_shares_their_experience(world):
    programme_id = await reverse_programme(world)
    s = world.services
    proposal = await s.enrolment.proposal(MANAGER, programme_id)
    await s.enrolment.publish(MANAGER, programme_id, proposal.method, proposal.digest)
    amara, jones = MENTORS["knife crime"], OFFICERS["knife crime"]
    mentor_card = str(world.messenger.to(amara.id)[-1].card)
    officer_card = str(world.messenger.to(jones.id)[-1].card)
    assert "you are the mentor. You share your lived experience with Jones, a senior officer" in mentor_card
    assert "Amara mentors you" in officer_card and "as the senior officer, learn from them" in officer_card
    view, = await s.pairs.views(jones)
    await s.contracts.propose(jones, view.pair.id, clauses())
    assert "Reverse mentoring contract, version 1" in str(world.messenger.to(amara.id)[-1].card)  # the service's copy
    _, body, _ = await press(world.chat(amara), verbs.CONTRACT_ACCEPT, {"pairId": view.pair.id, "version": 1})
    assert "Reverse mentoring contract, version 1" in str(body["value"])  # the card the press returns
    shown = text_of(await world.chat(jones).say("contract"))  # and the card the command shows
    assert "Reverse mentoring contract, version 1" in shown
    assert "Amara (mentor, sharing their lived experience) and Jones (mentee, the senior officer)" in shown
