"""A person's own data: the export holds everything about them and nothing private of others; erasure
removes what they wrote and who they are, ends their pairings cleanly, and tells managers only that it happened."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import timedelta

import pytest

from bot.domain.audit import AuditAction
from bot.domain.errors import InvalidState
from bot.domain.programmes import PairStatus
from bot.domain.sessions import SessionStatus
from bot.services.export_html import render_export_html
from bot.services.context import Message
from bot.services.my_data import FORMER_PARTICIPANT
from bot.services.report import SummaryWriter
from tests.dialogs.harness import World, user
from bot.storage.kinds import PARTICIPANT

MANAGER, MENTOR, MENTEE = user("Manager"), user("Megan"), user("Adele")
MINE, PARTNERS_PRIVATE, PARTNERS_SHARED = "MARKER-own-7f3a", "MARKER-partner-private-91c2", "MARKER-partner-shared-44d0"
HELP_WORDS = "MARKER-help-words-5b1e"


async def journey(world: World) -> tuple[str, object]:
    """Paired, contract in force, one session held and reflected on by both, the next one booked,
    and the mentee asked for help."""
    await world.services.pairs.register(MANAGER, {"conversation": {"id": "conv-manager"}})
    pair_id = await world.pair(MANAGER, MENTOR, MENTEE)
    await world.agree_contract(pair_id, MENTOR, MENTEE)
    held = await world.hold_session(pair_id, MENTOR, MENTEE)
    s = world.services
    await s.reflections.write(MENTEE, pair_id, held.id, MINE, "learned", "next", 4, False)
    await s.reflections.write(MENTOR, pair_id, held.id, PARTNERS_PRIVATE, "learned", "next", 5, False)
    upcoming = await s.sessions.propose(MENTEE, pair_id, world.clock.now() + timedelta(days=10))
    await s.sessions.accept(MENTOR, pair_id, upcoming.id)
    await s.alerts.request_help(MENTEE, pair_id, HELP_WORDS)
    return pair_id, upcoming


async def test_export_holds_own_reflection_contract_and_sessions_but_not_the_partners_reflection(world):
    pair_id, _ = await journey(world)
    export = await world.services.my_data.export(MENTEE)
    text = json.dumps(export)

    assert MINE in text
    assert PARTNERS_PRIVATE not in text
    assert export["person"]["name"] == "Adele" and export["person"]["email"] == "adele@force.example"
    [pairing] = export["pairings"]
    assert pairing["partner"] == "Megan" and pairing["yourRole"] == "mentee"
    assert pairing["contract"][0]["clauses"]["goals"] == ["Understand knife crime in Newham"]
    assert [s["status"] for s in pairing["sessions"]] == ["held", "confirmed"]
    assert [a["yourWords"] for a in export["alertsYouRaised"]] == [f'Adele (mentee) would like a word: "{HELP_WORDS}"']
    assert "conv-" not in text and "smba" not in text  # routing data is not theirs to read, nor meaningful


async def test_export_excludes_a_reflection_the_partner_shared_too(world):
    pair_id, _ = await journey(world)
    held = (await world.services.ctx.repos.pairs.schedule(pair_id)).held()[0]
    await world.services.reflections.write(MENTOR, pair_id, held.id, PARTNERS_SHARED, "l", "n", 5, True)
    assert PARTNERS_SHARED not in json.dumps(await world.services.my_data.export(MENTEE))


async def test_export_is_audited_and_lists_the_audit_trail_about_the_person(world):
    await journey(world)
    await world.services.my_data.export(MENTEE)
    second = await world.services.my_data.export(MENTEE)
    trail = await world.services.ctx.repos.audit.about(MENTEE.id)
    assert [e.action for e in trail] == [AuditAction.DATA_EXPORTED, AuditAction.DATA_EXPORTED]
    assert second["auditTrail"] == [{"at": trail[0].at.isoformat(), "what": "data exported", "by": "you", "detail": ""}]


async def test_the_html_copy_is_self_contained_readable_and_escapes_what_people_wrote(world):
    pair_id, _ = await journey(world)
    held = (await world.services.ctx.repos.pairs.schedule(pair_id)).held()[0]
    await world.services.reflections.write(MENTEE, pair_id, held.id, "<script>alert(1)</script> " + MINE, "l", "n", 3, False)
    page = render_export_html(await world.services.my_data.export(MENTEE))
    assert page.startswith("<!DOCTYPE html>") and "Your reflections" in page and MINE in page
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert "http://" not in page and "https://" not in page and "src=" not in page
    assert PARTNERS_PRIVATE not in page


# Erasure -----------------------------------------------------------------------------------------

async def test_erasure_needs_confirmation(world):
    await journey(world)
    with pytest.raises(InvalidState):
        await world.services.my_data.erase(MENTEE, confirmed=False)
    assert (await world.services.ctx.repos.people.get(MENTEE.id)).name == "Adele"
    assert await world.services.ctx.repos.reflections.by_author(MENTEE.id)


async def test_erasure_removes_reflections_and_personal_details(world):
    await journey(world)
    await world.services.my_data.erase(MENTEE, confirmed=True)
    repos = world.services.ctx.repos
    assert await repos.reflections.by_author(MENTEE.id) == []
    person = await repos.people.get(MENTEE.id)
    assert (person.name, person.email, person.teams_user_id, person.conversation, person.contact, person.pending_notices) == (
        FORMER_PARTICIPANT, "", "", None, None, ())
    assert not person.reachable and person.erased_at == world.clock.now()
    # Nothing is kept for them afterwards: a manager's message to the pair leaves no notice behind.
    assert await world.services.ctx.notify(MENTEE.id, Message(text="A message from your programme manager")) is None
    assert (await repos.people.get(MENTEE.id)).pending_notices == ()
    # The partner's own reflection is the partner's: it stays.
    assert [r.discussed for r in await repos.reflections.by_author(MENTOR.id)] == [PARTNERS_PRIVATE]


async def test_erasure_ends_the_pairing_cleanly_and_stops_nudges(world):
    pair_id, upcoming = await journey(world)
    await world.services.my_data.erase(MENTEE, confirmed=True)
    repos = world.services.ctx.repos
    assert (await repos.pairs.get(pair_id)).status is PairStatus.CLOSED
    schedule = await repos.pairs.schedule(pair_id)
    assert schedule.session(upcoming.id).status is SessionStatus.CANCELLED
    assert [s.status for s in schedule.held()] == [SessionStatus.HELD]  # history stays for the partner
    before = len(world.messenger.sent)
    world.clock.advance(timedelta(days=12))  # past the reminders and the "did it happen?" question
    await world.services.due_work.sweep()
    assert world.messenger.sent[before:] == []


async def test_the_partner_and_managers_see_only_a_former_participant(world):
    pair_id, _ = await journey(world)
    await world.services.my_data.erase(MENTEE, confirmed=True)
    repos = world.services.ctx.repos
    alert = next(a for a in await repos.alerts.in_programme((await repos.pairs.get(pair_id)).programme_id))
    assert HELP_WORDS not in alert.reason and "Adele" not in alert.reason and FORMER_PARTICIPANT in alert.reason
    partner_export = json.dumps(await world.services.my_data.export(MENTOR))
    assert "Adele" not in partner_export and FORMER_PARTICIPANT in partner_export
    assert MINE not in partner_export


async def test_the_manager_is_told_an_erasure_happened_but_not_what(world):
    await journey(world)
    before = len(world.messenger.to(MANAGER.id))
    await world.services.my_data.erase(MENTEE, confirmed=True)
    told = world.messenger.to(MANAGER.id)[before:]
    assert len(told) == 1 and "erase" in told[0].text
    assert all(marker not in told[0].text for marker in ("Adele", MINE, HELP_WORDS)) and told[0].card is None
    to_partner = world.messenger.to(MENTOR.id)[-1].text
    assert "ended" in to_partner and MINE not in to_partner


async def test_erasure_is_audited_without_content_and_running_it_again_is_harmless(world):
    await journey(world)
    first = await world.services.my_data.erase(MENTEE, confirmed=True)
    told = len(world.messenger.to(MANAGER.id))
    world.clock.advance(timedelta(minutes=1))
    again = await world.services.my_data.erase(MENTEE, confirmed=True)
    assert (first.reflections, first.pairings_ended, first.sessions_cancelled, first.managers_told) == (1, 1, 1, 1)
    assert (again.reflections, again.pairings_ended, again.sessions_cancelled, again.managers_told) == (0, 0, 0, 0)
    assert len(world.messenger.to(MANAGER.id)) == told  # not told twice
    trail = await world.services.ctx.repos.audit.about(MENTEE.id)
    assert [e.action for e in trail] == [AuditAction.DATA_ERASED, AuditAction.DATA_ERASED]
    assert trail[0].detail == "reflections=1 pairings=1 sessions=1 alerts=1" and MINE not in trail[0].detail


async def test_a_manager_who_erases_leaves_their_programmes_and_their_name_leaves_alert_history(world):
    pair_id, _ = await journey(world)
    repos = world.services.ctx.repos
    programme_id = (await repos.pairs.get(pair_id)).programme_id
    [alert] = await repos.alerts.in_programme(programme_id)
    from bot.domain.alerts import AlertAction

    await world.services.alerts.act(MANAGER, programme_id, alert.id, AlertAction.RESOLVE, "Spoke to Adele, all fine")
    await world.services.my_data.erase(MANAGER, confirmed=True)
    assert MANAGER.id not in (await repos.programmes.get(programme_id)).managers
    [after] = await repos.alerts.in_programme(programme_id)
    assert [s.by_name for s in after.steps] == ["a former manager"]
    assert (await repos.pairs.get(pair_id)).status is PairStatus.ACTIVE  # the pair itself goes on


async def test_programmes_someone_was_invited_to_are_in_their_export_and_gone_after_erasure(world):
    """A roster import and a join leave a participant record (with their consent time) and an index entry
    under their email: the export shows them; erasure leaves nothing of either."""
    programme = await world.programme(MANAGER, "Roster pilot")
    other = await world.programme(MANAGER, "Another roster")
    for each in (programme, other):
        await world.services.enrolment.import_roster(MANAGER, each.id, f"email,name,role,wants\n{MENTEE.email},Adele,mentee,MARKER-wants-3c9d\n")
    await world.chat(MENTEE).say("hello")
    await world.services.enrolment.join(MENTEE, programme.id)
    exported = await world.services.my_data.export(MENTEE)
    records = {r["programme"]: r for r in exported["programmesYouWereInvitedTo"]}
    assert set(records) == {"Roster pilot", "Another roster"}
    assert records["Roster pilot"]["status"] == "joined" and records["Roster pilot"]["joinedAt"]
    assert records["Another roster"]["status"] == "invited" and records["Another roster"]["wants"] == "MARKER-wants-3c9d"

    await world.services.my_data.erase(MENTEE, True)
    repos = world.services.ctx.repos
    assert await repos.participants.programmes_inviting(MENTEE.email) == []
    for each in (programme, other):
        assert await repos.participants.find(each.id, MENTEE.email) is None
        assert "MARKER-wants-3c9d" not in json.dumps([PARTICIPANT.plain(p) for p in await repos.participants.in_programme(each.id)])


async def test_export_and_the_report_summary_include_sessions_and_versions_moved_out_of_the_live_documents(world):
    """Months of sessions and several amendments: the early ones now live in items of their own, and the
    export and the pair's report summary still count every one."""
    pair_id = await world.pair(MANAGER, MENTOR, MENTEE)
    await world.agree_contract(pair_id, MENTOR, MENTEE)
    s, repos = world.services, world.services.ctx.repos
    for n in range(5):
        amended = await s.contracts.propose(MENTOR, pair_id, replace((await repos.pairs.contract(pair_id)).in_force.clauses,
                                                                        meeting_minutes=40 + n))
        await s.contracts.accept(MENTEE, pair_id, amended.number)
    for _ in range(8):  # one a fortnight for four months
        await world.hold_session(pair_id, MENTOR, MENTEE)
        world.clock.advance(timedelta(days=11))
    await world.hold_session(pair_id, MENTOR, MENTEE)
    live = await repos.pairs.schedule(pair_id)
    assert len(live.sessions) < 9 and len((await repos.pairs.contract(pair_id)).versions) < 6  # some moved out
    [pairing] = (await s.my_data.export(MENTEE))["pairings"]
    assert [v["number"] for v in pairing["contract"]] == [1, 2, 3, 4, 5, 6]
    assert [x["status"] for x in pairing["sessions"]] == ["held"] * 9
    pair = await repos.pairs.get(pair_id)
    await SummaryWriter(s.ctx).refresh(pair)  # as the drift check does after every change
    summary = await repos.summaries.find(pair.programme_id, pair_id)
    assert summary is not None and summary.held == 9
