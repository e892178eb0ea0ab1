"""Enrolment and matching in Teams: a roster imported all or nothing, invitations by email found when the
person first opens Tandem or sent to people @mentioned, joining by consent only, and the manager's match
proposal published as pairs. Nobody who has not joined is ever matched."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.domain.audit import AuditAction
from bot.domain.enrolment import Status
from bot.domain.errors import AlreadyDone, NotFound, Unfinished
from bot.domain.matching import Method
from bot.domain.roster import RosterRejected, RosterRole
from bot.storage.documents import AUDIT, DUE
from bot.storage.sqlite_store import SqliteDocumentStore
from cards import verbs
from tests.dialogs.harness import World, press, text_of, user
from tests.support.faulty_store import THROTTLE, Fault, FaultyStore

MANAGER = user("Manager")
MENTORS = [user(n) for n in ("Megan", "Isaiah", "Lynne")]
MENTEES = [user(n) for n in ("Adele", "Patti", "Nestor")]
STRANGER = user("Sam")
ROSTER = "email,name,role,focus_areas\n" + "".join(
    f"{p.email},{p.name},{role},{focus}\n" for people, role in ((MENTORS, "mentor"), (MENTEES, "mentee"))
    for p, focus in zip(people, ("knife crime", "domestic abuse", "social inequality")))


async def programme_with_roster(world: World) -> str:
    programme = await world.programme(MANAGER, "Reverse mentoring pilot")
    await world.chat(MANAGER).say("hello")  # the manager has a chat with Tandem, so notices reach them
    imported = await world.services.enrolment.import_roster(MANAGER, programme.id, ROSTER)
    assert (imported.added, imported.updated) == (6, 0) and "3 mentees, 3 mentors" in imported.summary
    return programme.id


def join_card_of(replies) -> dict:
    cards = [a.attachments[0].content for a in replies if a.attachments]
    return next(c for c in cards if any(a.get("verb") == verbs.ENROL_JOIN for a in c.get("actions", [])))


async def test_a_roster_with_one_bad_row_changes_nothing_and_names_every_problem(world):
    programme = await world.programme(MANAGER, "Pilot")
    bad = ROSTER + "not-an-email,Bad,mentor,\nadele@force.example,Again,mentee,\nx@force.example,X,captain,\n"
    with pytest.raises(RosterRejected) as rejected:
        await world.services.enrolment.import_roster(MANAGER, programme.id, bad)
    reasons = "\n".join(str(p) for p in rejected.value.problems)
    assert "line 8" in reasons and "line 9" in reasons and "line 10" in reasons
    assert await world.services.ctx.repos.participants.in_programme(programme.id) == []


async def test_importing_again_updates_the_file_fields_and_keeps_who_joined(world):
    programme_id = await programme_with_roster(world)
    adele = MENTEES[0]
    await world.chat(adele).say("hello")
    await world.services.enrolment.join(adele, programme_id)
    again = await world.services.enrolment.import_roster(MANAGER, programme_id, ROSTER.replace("knife crime", "knife crime;youth"))
    assert (again.added, again.updated) == (0, 6)
    kept = await world.services.ctx.repos.participants.find(programme_id, adele.email)
    assert kept.status is Status.JOINED and kept.person_id == adele.id


async def test_someone_on_the_roster_is_invited_when_they_first_open_tandem_and_joins_by_pressing(world):
    programme_id = await programme_with_roster(world)
    chat = world.chat(MENTEES[0])
    replies = await chat.say("hello")
    card = join_card_of(replies)
    assert "You're invited to join Reverse mentoring pilot as a mentee" in text_of(replies)
    assert "Your reflections are private to you" in text_of(replies)  # the privacy notice, before any yes
    joined_button = next(a for a in card["actions"] if a["verb"] == verbs.ENROL_JOIN)
    status, body, _ = await press(chat, verbs.ENROL_JOIN, joined_button["data"])
    assert status == 200 and "You joined as a mentee" in str(body["value"])
    participant = await world.services.ctx.repos.participants.find(programme_id, MENTEES[0].email)
    assert participant.status is Status.JOINED and participant.joined_at == world.clock.now()
    assert any("Adele joined Reverse mentoring pilot" in (m.text or "") for m in world.messenger.to(MANAGER.id))


async def test_nobody_can_join_on_someone_elses_invitation_or_by_guessing_a_programme(world):
    programme_id = await programme_with_roster(world)
    chat = world.chat(STRANGER)
    await chat.say("hello")
    status, body, _ = await press(chat, verbs.ENROL_JOIN, {"programmeId": programme_id})
    assert "can't find an invitation for you" in str(body["value"])
    with pytest.raises(NotFound):
        await world.services.enrolment.join(STRANGER, programme_id)
    assert all(p.status is Status.INVITED for p in await world.services.ctx.repos.participants.in_programme(programme_id))


async def test_a_manager_invites_people_by_mention_and_they_get_the_card(world):
    programme = await world.programme(MANAGER, "Pilot")
    await world.chat(MENTORS[0]).say("hello")  # Megan has opened Tandem; Isaiah has not
    world.mentions = [MENTORS[0], MENTORS[1]]
    reply = text_of(await world.chat(MANAGER).say("invite @Megan @Isaiah as mentors"))
    assert "Invited Megan, Isaiah to Pilot as mentors" in reply
    sent = world.messenger.to(MENTORS[0].id)[-1]
    assert "invited to join Pilot as a mentor" in sent.text and sent.card["actions"][0]["verb"] == verbs.ENROL_JOIN
    first_open = await world.chat(MENTORS[1]).say("hello")  # Isaiah's card waits for his first chat
    assert join_card_of(first_open) and "invited to join Pilot as a mentor" in text_of(first_open)
    world.mentions = [MENTORS[2]]
    assert "say their role" in text_of(await world.chat(MANAGER).say("invite @Lynne"))
    assert (await world.services.ctx.repos.participants.find(programme.id, MENTORS[2].email)) is None


async def test_match_proposes_only_people_who_joined_and_publishing_pairs_them(world):
    programme_id = await programme_with_roster(world)
    for person in MENTORS + MENTEES[:2]:  # Nestor never opens Tandem
        await world.chat(person).say("hello")
        await world.services.enrolment.join(person, programme_id)
    manager = world.chat(MANAGER)
    replies = await manager.say("match")
    card = replies[-1].attachments[0].content
    shown = text_of(replies)
    assert "2 pairs" in shown and "Nestor" not in shown
    assert "Adele and Megan" not in shown and "Megan and Adele" in shown  # mentor first, with the reason
    assert "knife crime" in shown  # the shared focus area is the reason given
    publish = card["actions"][0]
    status, body, _ = await press(manager, verbs.MATCH_PUBLISH, publish["data"])
    assert "Published 2 pairs" in str(body["value"])
    views = await world.services.pairs.views(MENTEES[0])
    assert [v.partner.name for v in views] == ["Megan"]
    told = world.messenger.to(MENTEES[0].id)[-1]
    assert "your mentor is Megan" in told.text
    # The same card again: the roster has changed (they are paired), so nothing is published twice.
    _, again, _ = await press(manager, verbs.MATCH_PUBLISH, publish["data"])
    assert "say **match** for the new one" in str(again["value"])
    assert len(await world.services.ctx.repos.programmes.roster(programme_id)) == 2


async def test_stable_matching_follows_launch_day_rankings(world):
    programme = await world.programme(MANAGER, "Cross-sector")
    roster = ("email,name,role,ranking\n"
              f"{MENTORS[0].email},Megan,mentor,{MENTEES[1].email}\n{MENTORS[1].email},Isaiah,mentor,{MENTEES[0].email}\n"
              f"{MENTEES[0].email},Adele,mentee,{MENTORS[1].email}\n{MENTEES[1].email},Patti,mentee,{MENTORS[0].email}\n")
    await world.services.enrolment.import_roster(MANAGER, programme.id, roster)
    for person in MENTORS[:2] + MENTEES[:2]:
        await world.chat(person).say("hello")
        await world.services.enrolment.join(person, programme.id)
    proposal = await world.services.enrolment.proposal(MANAGER, programme.id, method=Method.STABLE)
    assert {(p.mentor, p.mentee) for p in proposal.result.pairs} == {(MENTORS[0].email, MENTEES[1].email),
                                                                     (MENTORS[1].email, MENTEES[0].email)}


async def test_leaving_takes_someone_out_of_matching(world):
    programme_id = await programme_with_roster(world)
    for person in (MENTORS[0], MENTEES[0]):
        await world.chat(person).say("hello")
        await world.services.enrolment.join(person, programme_id)
    assert "You've left Reverse mentoring pilot" in text_of(await world.chat(MENTEES[0]).say("leave programme"))
    proposal = await world.services.enrolment.proposal(MANAGER, programme_id)
    assert proposal.result.pairs == ()


async def test_the_roster_card_shows_who_joined_and_who_is_waiting(world):
    programme_id = await programme_with_roster(world)
    await world.chat(MENTEES[0]).say("hello")
    await world.services.enrolment.join(MENTEES[0], programme_id)
    shown = text_of(await world.chat(MANAGER).say("roster"))
    assert "1 joined, 2 invited" in shown and "Waiting to open Tandem" in shown and "Nestor" in shown


async def test_a_manager_edits_the_programme_from_its_settings_card_and_matching_follows_it(world):
    programme_id = await programme_with_roster(world)
    chat = world.chat(MANAGER)
    card = (await chat.say("programme settings"))[-1].attachments[0].content
    ids = {b["id"] for b in card["body"] if b["type"].startswith("Input.")}
    assert ids == {"kind", "matching", "focusAreas", "organisations", "cadence", "otherTenants", "guests"}
    save = card["actions"][0]["data"]
    _, body, _ = await press(chat, verbs.PROGRAMME_SAVE, {**save, "kind": "cross-sector", "matching": "stable",
                                                          "focusAreas": "knife crime", "organisations": "Police",
                                                          "cadence": "monthly"})
    assert "two or more organisations" in str(body["value"])  # refused kindly, nothing saved
    assert (await world.services.ctx.repos.programmes.get(programme_id)).kind == "traditional"
    _, body, _ = await press(chat, verbs.PROGRAMME_SAVE, {**save, "kind": "reverse", "matching": "by hand",
                                                          "focusAreas": "knife crime; domestic abuse; knife crime",
                                                          "organisations": "", "cadence": "monthly"})
    assert "Saved." in str(body["value"])
    saved = await world.services.ctx.repos.programmes.get(programme_id)
    assert (saved.kind, saved.matching, saved.focus_areas) == ("reverse", "by hand", ("knife crime", "domestic abuse"))
    assert "made by hand" in text_of(await chat.say("match"))
    _, body, _ = await press(chat, verbs.PROGRAMME_SAVE, {**save, "kind": "traditional", "matching": "nonsense",
                                                          "focusAreas": "", "organisations": "", "cadence": "monthly"})
    assert "choose the programme's way of matching" in str(body["value"])


async def test_only_the_programmes_managers_see_or_save_its_settings(world):
    programme_id = await programme_with_roster(world)
    stranger = world.chat(STRANGER)
    _, body, _ = await press(stranger, verbs.PROGRAMME_SAVE, {"programmeId": programme_id, "kind": "reverse",
                                                              "matching": "stable", "focusAreas": "", "organisations": "",
                                                              "cadence": "monthly"})
    assert "Only the managers" in str(body["value"]) or "can't find" in str(body["value"])
    assert (await world.services.ctx.repos.programmes.get(programme_id)).kind == "traditional"


@pytest.mark.parametrize("fault", [
    Fault(THROTTLE, "create", DUE, "outbox."),  # the managers' messages can't be handed to the outbox now
    Fault(THROTTLE, "create", AUDIT),  # the audit entry can't be written
], ids=["relay", "audit"])
async def test_a_join_cut_short_by_a_fault_is_kept_and_pressing_again_finishes_it_telling_the_managers_once(tmp_path, fault):
    store = FaultyStore(await SqliteDocumentStore.open(tmp_path / "faults.sqlite3"))
    try:
        world = World(store)
        programme_id = await programme_with_roster(world)
        adele = MENTEES[0]
        await world.chat(adele).say("hello")
        store.inject(fault)
        try:
            await world.services.enrolment.join(adele, programme_id)
        except Unfinished as unfinished:
            assert "You joined Reverse mentoring pilot" in unfinished.message and "again" in unfinished.message
        assert store.injected
        store.clear()
        assert (await world.services.ctx.repos.participants.find(programme_id, adele.email)).status is Status.JOINED
        with pytest.raises(AlreadyDone):  # they press "I agree: join" again
            await world.services.enrolment.join(adele, programme_id)
        world.clock.advance(timedelta(minutes=5))
        await world.services.due_work.sweep()
        told = [m for m in world.messenger.to(MANAGER.id) if "Adele joined Reverse mentoring pilot" in (m.text or "")]
        assert len(told) == 1
        audited = [e for e in await world.services.ctx.repos.audit.about(adele.id) if e.action is AuditAction.JOINED_PROGRAMME]
        assert len(audited) == 1
    finally:
        await store.close()
