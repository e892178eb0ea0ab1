"""Safeguarding and the other protections around alerts: concerns reach the lead only, channel copies of
alerts carry no names or words, alert-raising steps are rate-limited, under-18s need guardian consent,
contact details are never handed over, and every manager, admin and safeguarding action is audited."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.domain.alerts import AlertAction
from bot.domain.audit import AuditAction
from bot.domain.concerns import ConcernState
from bot.domain.errors import InvalidState, NotAllowed, Unfinished
from bot.domain.rate_limits import PER_DAY, Raised, TooMany
from bot.services.authority import Place, PlaceKind
from cards import verbs
from tests.dialogs.harness import ADMIN, World, user
from bot.storage.documents import AUDIT, CONCERNS, StoreTimeout
from bot.storage.kinds import AUDIT_ENTRY, PAIR
from tests.support.faulty_store import LOST, THROTTLE, Fault

MANAGER, DEPUTY, MENTOR, MENTEE, LEAD, YOUNG = (user("Manager"), user("Deputy"), user("Megan"), user("Adele"),
                                                user("Lead"), user("Young"))
CHANNEL = Place(PlaceKind.CHANNEL, "19:general@thread.tacv2", "team-1")
CONCERN = "My mentor asked me to meet alone at his house"


async def programme_with_pair(world: World, lead: bool = True) -> tuple[str, str]:
    pair_id = await world.pair(MANAGER, MENTOR, MENTEE)
    programme_id = (await world.services.ctx.repos.pairs.get(pair_id)).programme_id
    for who in (MANAGER, DEPUTY, LEAD):
        await world.services.pairs.register(who, {"conversation": {"id": f"conv-{who.aad_object_id}"}})
    await world.services.programmes.appoint_manager(MANAGER, programme_id, DEPUTY)
    if lead:
        await world.services.safeguarding.name_lead(MANAGER, programme_id, LEAD)
    return pair_id, programme_id


def everything_sent(world: World) -> list[tuple[str, str]]:
    """(recipient, all they could read) for every proactive message and channel post."""
    return [(pid, f"{m.text} {m.card}") for pid, m in world.messenger.sent] + \
           [(cid, f"{m.text} {m.card}") for cid, m in world.messenger.posted]


async def test_a_concern_reaches_the_safeguarding_lead_and_nobody_else(world):
    pair_id, programme_id = await programme_with_pair(world)
    await world.services.programmes.link_team(MANAGER, programme_id, CHANNEL)
    await world.services.alerts.use_channel(MANAGER, programme_id, {"conversation": {"id": CHANNEL.conversation_id}}, CHANNEL)
    mark_sent, mark_posted = len(world.messenger.sent), len(world.messenger.posted)
    concern, acknowledgement = await world.services.safeguarding.raise_concern(MENTEE, pair_id, CONCERN)
    new = world.messenger.sent[mark_sent:]
    assert [pid for pid, m in new if CONCERN in str(m.card)] == [LEAD.id]
    assert all(CONCERN not in f"{m.text}{m.card}" for pid, m in new if pid != LEAD.id)
    assert world.messenger.posted[mark_posted:] == []  # not the programme channel
    assert {pid for pid, _ in new} == {LEAD.id}  # not the partner, not the managers
    assert "Lead" in acknowledgement and "Only they will see it" in acknowledgement
    lead_card = world.messenger.to(LEAD.id)[-1].card
    assert [a["verb"] for a in lead_card["actions"]] == [verbs.CONCERN_ACKNOWLEDGE, verbs.CONCERN_OUTCOME]
    assert concern.state is ConcernState.SENT


async def test_managers_queries_never_return_a_concern(world):
    pair_id, programme_id = await programme_with_pair(world)
    await world.services.safeguarding.raise_concern(MENTEE, pair_id, CONCERN)
    repos = world.services.ctx.repos
    assert await repos.alerts.in_programme(programme_id) == []
    card = await world.services.alerts.status(MANAGER, programme_id)
    assert CONCERN not in str(card)
    for container in ("programmes", "pairs", "people"):
        for partition in (programme_id, pair_id, MANAGER.id, MENTEE.id):
            assert all(CONCERN not in str(d.body) for d in await world.store.query(container, partition, {}))


async def test_the_lead_acknowledges_and_records_an_outcome_and_the_reporter_is_told_without_the_note(world):
    pair_id, programme_id = await programme_with_pair(world)
    concern, _ = await world.services.safeguarding.raise_concern(MENTEE, pair_id, CONCERN)
    with pytest.raises(NotAllowed):
        await world.services.safeguarding.acknowledge(MANAGER, programme_id, concern.id)
    acknowledged, card = await world.services.safeguarding.acknowledge(LEAD, programme_id, concern.id)
    assert acknowledged.state is ConcernState.ACKNOWLEDGED and [a["verb"] for a in card["actions"]] == [verbs.CONCERN_OUTCOME]
    closed, card = await world.services.safeguarding.record_outcome(LEAD, programme_id, concern.id, "Spoke to both; referred to PSD")
    assert closed.state is ConcernState.CLOSED and "actions" not in card and "referred to PSD" in str(card)
    to_reporter = " ".join(m.text for m in world.messenger.to(MENTEE.id))
    assert "acknowledged the concern" in to_reporter and "recorded an outcome" in to_reporter and "PSD" not in to_reporter
    assert len(world.messenger.updates) == 2  # the lead's copy of the card was updated in place each time


async def test_with_no_lead_the_concern_is_kept_the_managers_are_asked_to_name_one_and_it_goes_to_the_lead_named(world):
    pair_id, programme_id = await programme_with_pair(world, lead=False)
    concern, acknowledgement = await world.services.safeguarding.raise_concern(MENTEE, pair_id, CONCERN)
    assert concern.state is ConcernState.WAITING_FOR_LEAD and "no safeguarding lead" in acknowledgement
    for manager in (MANAGER, DEPUTY):
        told = world.messenger.to(manager.id)[-1].text
        assert "name a lead" in told and CONCERN not in told and "Adele" not in told
    await world.services.safeguarding.name_lead(DEPUTY, programme_id, LEAD)
    assert any(CONCERN in str(m.card) for m in world.messenger.to(LEAD.id))
    stored = await world.services.ctx.repos.concerns.get(programme_id, concern.id)
    assert stored.state is ConcernState.SENT and stored.lead_id == LEAD.id


async def test_the_channel_copy_of_an_alert_has_no_note_and_no_name_and_stays_so_when_acted_on(world):
    pair_id, programme_id = await programme_with_pair(world)
    await world.services.programmes.link_team(MANAGER, programme_id, CHANNEL)
    await world.services.alerts.use_channel(MANAGER, programme_id, {"conversation": {"id": CHANNEL.conversation_id}}, CHANNEL)
    alert = await world.services.alerts.request_help(MENTEE, pair_id, "We keep missing each other")
    (_, posted), = world.messenger.posted
    public = f"{posted.text} {posted.card}"
    for private in ("We keep missing each other", "Adele", "Megan", "Help requested"):
        assert private not in public
    assert "needs a manager" in public and "personal chat" in public
    assert "We keep missing each other" in str(world.messenger.to(MANAGER.id)[-1].card)  # managers' copies keep it
    _, card = await world.services.alerts.act(MANAGER, programme_id, alert.id, AlertAction.RESOLVE, "Spoke to Adele", place=CHANNEL)
    channel_updates = [c for d, c in world.messenger.updates if d.conversation["conversation"]["id"] == CHANNEL.conversation_id]
    assert channel_updates and all("Adele" not in str(c) and "Spoke to" not in str(c) for c in channel_updates + [card])


async def test_alerts_here_only_in_a_channel_of_a_linked_team(world):
    _, programme_id = await programme_with_pair(world)
    reference = {"conversation": {"id": "19:x"}}
    with pytest.raises(NotAllowed, match="only go to a channel"):
        await world.services.alerts.use_channel(MANAGER, programme_id, reference, Place(PlaceKind.GROUP_CHAT, "19:x"))
    with pytest.raises(NotAllowed, match="isn't linked"):
        await world.services.alerts.use_channel(MANAGER, programme_id, reference, CHANNEL)
    assert (await world.services.ctx.repos.programmes.get(programme_id)).channel is None


async def test_status_is_shown_only_in_a_personal_chat_or_the_programmes_alert_channel(world):
    _, programme_id = await programme_with_pair(world)
    with pytest.raises(NotAllowed):
        await world.services.alerts.status(MANAGER, programme_id, Place(PlaceKind.GROUP_CHAT, "19:group"))
    with pytest.raises(NotAllowed):
        await world.services.alerts.status(MANAGER, programme_id, CHANNEL)  # not (yet) its alert channel
    await world.services.programmes.link_team(MANAGER, programme_id, CHANNEL)
    await world.services.alerts.use_channel(MANAGER, programme_id, {"conversation": {"id": CHANNEL.conversation_id}}, CHANNEL)
    assert "how the pairs are doing" in str(await world.services.alerts.status(MANAGER, programme_id, CHANNEL))
    in_a_thread = Place(PlaceKind.CHANNEL, CHANNEL.conversation_id + ";messageid=1700000000000", CHANNEL.team_id)
    assert "how the pairs are doing" in str(await world.services.alerts.status(MANAGER, programme_id, in_a_thread))
    with pytest.raises(NotAllowed):
        await world.services.alerts.status(MANAGER, programme_id, Place(PlaceKind.CHANNEL, "19:other@thread.tacv2", "team-1"))


async def test_help_requests_are_limited_per_person_per_day_with_a_kind_message(world):
    pair_id, programme_id = await programme_with_pair(world)
    for _ in range(PER_DAY[Raised.HELP]):
        await world.services.alerts.request_help(MENTEE, pair_id, "")
    with pytest.raises(TooMany, match="contact them directly"):
        await world.services.alerts.request_help(MENTEE, pair_id, "")
    assert len(await world.services.ctx.repos.alerts.in_programme(programme_id)) == PER_DAY[Raised.HELP]
    await world.services.alerts.request_close(MENTEE, pair_id, "")  # each kind has its own counter
    world.clock.advance(timedelta(days=1))
    await world.services.alerts.request_help(MENTEE, pair_id, "")  # a day on, they may ask again
    counted = (await world.services.ctx.repos.people.get(MENTEE.id)).raised
    assert len(counted["help"]) == 1  # the counter lives on the person document and forgets after a day


async def test_concerns_have_a_higher_limit_and_over_it_the_reporter_is_told_to_contact_the_lead(world):
    pair_id, _ = await programme_with_pair(world)
    assert PER_DAY[Raised.CONCERN] > PER_DAY[Raised.HELP]
    for n in range(PER_DAY[Raised.CONCERN]):  # different words each time: the same words again are the same concern
        await world.services.safeguarding.raise_concern(MENTEE, pair_id, f"again {n}")
    with pytest.raises(TooMany) as refused:
        await world.services.safeguarding.raise_concern(MENTEE, pair_id, "once more")
    assert "contact Lead directly" in refused.value.message and "999" in refused.value.message


async def test_someone_under_18_cannot_be_paired_until_guardian_consent_is_recorded(world):
    programme = await world.programme(MANAGER, "Cadets")
    await world.services.programmes.record_under_18(MANAGER, programme.id, YOUNG)
    with pytest.raises(NotAllowed, match="under 18"):
        await world.services.pairs.pair_people(MANAGER, programme.id, MENTOR, YOUNG)
    assert await world.services.ctx.repos.programmes.roster(programme.id) == []
    await world.services.programmes.record_guardian_consent(MANAGER, programme.id, YOUNG)
    pair = await world.services.pairs.pair_people(MANAGER, programme.id, MENTOR, YOUNG)
    assert pair.mentee_id == YOUNG.id


async def test_contact_details_are_never_exchanged(world):
    pair_id = await world.pair(MANAGER, MENTOR, MENTEE)
    await world.agree_contract(pair_id, MENTOR, MENTEE)
    await world.hold_session(pair_id, MENTOR, MENTEE)
    for recipient, seen in everything_sent(world):
        for email in (MENTOR.email, MENTEE.email, MANAGER.email):
            assert email not in seen and email.replace("@", "%40") not in seen, (recipient, seen[:300])


async def test_every_manager_admin_and_safeguarding_action_is_audited_without_content(world):
    pair_id, programme_id = await programme_with_pair(world)
    s = world.services
    await s.programmes.record_under_18(MANAGER, programme_id, YOUNG)
    await s.programmes.record_guardian_consent(MANAGER, programme_id, YOUNG)
    await s.programmes.link_team(MANAGER, programme_id, CHANNEL)
    await s.alerts.use_channel(MANAGER, programme_id, {"conversation": {"id": CHANNEL.conversation_id}}, CHANNEL)
    alert = await s.alerts.request_help(MENTEE, pair_id, "private words")
    await s.alerts.act(MANAGER, programme_id, alert.id, AlertAction.ACKNOWLEDGE)
    await s.alerts.status(MANAGER, programme_id)
    concern, _ = await s.safeguarding.raise_concern(MENTEE, pair_id, CONCERN)
    await s.safeguarding.acknowledge(LEAD, programme_id, concern.id)
    await s.safeguarding.record_outcome(LEAD, programme_id, concern.id, "secret outcome")
    await s.programmes.remove_manager(MANAGER, programme_id, DEPUTY)
    repos = s.ctx.repos
    entries = []
    for subject in (programme_id, pair_id, ADMIN.id, DEPUTY.id, LEAD.id, MANAGER.id, MENTEE.id, YOUNG.id, MENTOR.id):
        entries += await repos.audit.about(subject)
    done = {(e.actor_id, e.action) for e in entries}
    expected = {
        (ADMIN.id, AuditAction.PROGRAMME_CREATED), (ADMIN.id, AuditAction.MANAGER_APPOINTED), (ADMIN.id, AuditAction.MANAGER_REMOVED),
        (MANAGER.id, AuditAction.PAIR_CREATED), (MANAGER.id, AuditAction.MANAGER_APPOINTED),
        (MANAGER.id, AuditAction.SAFEGUARDING_LEAD_NAMED), (MANAGER.id, AuditAction.UNDER_18_RECORDED),
        (MANAGER.id, AuditAction.GUARDIAN_CONSENT_RECORDED), (MANAGER.id, AuditAction.TEAM_LINKED),
        (MANAGER.id, AuditAction.ALERT_CHANNEL_SET), (MANAGER.id, AuditAction.ALERT_ACTED), (MANAGER.id, AuditAction.STATUS_VIEWED),
        (MENTEE.id, AuditAction.CONCERN_RAISED), (LEAD.id, AuditAction.CONCERN_ACTED), (MANAGER.id, AuditAction.MANAGER_REMOVED),
    }
    assert expected <= done, expected - done
    trail = str([AUDIT_ENTRY.plain(e) for e in entries])
    for content in (CONCERN, "secret outcome", "private words"):
        assert content not in trail


async def test_a_programme_never_loses_its_last_manager(world):
    _, programme_id = await programme_with_pair(world)
    await world.services.programmes.remove_manager(MANAGER, programme_id, DEPUTY)
    with pytest.raises(InvalidState):
        await world.services.programmes.remove_manager(MANAGER, programme_id, MANAGER)


async def test_a_concern_can_be_raised_after_the_pairing_closed(world):
    pair_id, programme_id = await programme_with_pair(world)
    pair = await world.services.ctx.repos.pairs.get(pair_id)
    await world.store.upsert("pairs", pair_id, "pair", PAIR.dump(pair.closed()))
    replies = " ".join(a.text or "" for a in await world.chat(MENTEE).say("raise a concern about last month"))
    assert "I've sent your concern to Lead" in replies
    assert any("about last month" in str(m.card) for m in world.messenger.to(LEAD.id))



async def test_a_concern_raised_again_after_a_fault_is_one_concern_counted_once_and_the_lead_is_told_once(faulty):
    world = World(faulty)
    pair_id, programme_id = await programme_with_pair(world)
    # The concern is stored, but the answer is lost and the store can't be asked: the reporter hears "not sure".
    faulty.inject(Fault(LOST, "create", CONCERNS), Fault(THROTTLE, "read", CONCERNS))
    with pytest.raises(StoreTimeout):
        await world.services.safeguarding.raise_concern(MENTEE, pair_id, CONCERN)
    faulty.clear()
    world.clock.advance(timedelta(minutes=1))
    concern, acknowledgement = await world.services.safeguarding.raise_concern(MENTEE, pair_id, CONCERN)  # as asked
    assert "I've sent your concern to Lead" in acknowledgement
    assert [c.id for c in await world.services.ctx.repos.concerns.raised_by(programme_id, MENTEE.id)] == [concern.id]
    assert len((await world.services.ctx.repos.people.get(MENTEE.id)).raised["concern"]) == 1
    world.clock.advance(timedelta(minutes=5))
    await world.services.due_work.sweep()
    assert sum(CONCERN in str(m.card) for m in world.messenger.to(LEAD.id)) == 1
    raised = [e for e in await world.services.ctx.repos.audit.about(MENTEE.id) if e.action is AuditAction.CONCERN_RAISED]
    assert len(raised) == 1
    world.clock.advance(timedelta(minutes=15))  # later, the same words are a new concern
    await world.services.safeguarding.raise_concern(MENTEE, pair_id, CONCERN)
    assert len(await world.services.ctx.repos.concerns.raised_by(programme_id, MENTEE.id)) == 2


async def test_a_concern_whose_audit_entry_cant_be_written_says_saved_and_raising_it_again_finishes_it(faulty):
    world = World(faulty)
    pair_id, programme_id = await programme_with_pair(world, lead=False)
    faulty.inject(Fault(THROTTLE, "create", AUDIT))
    with pytest.raises(Unfinished, match="saved for the safeguarding lead"):
        await world.services.safeguarding.raise_concern(MENTEE, pair_id, CONCERN)
    faulty.clear()
    concern, acknowledgement = await world.services.safeguarding.raise_concern(MENTEE, pair_id, CONCERN)
    assert "no safeguarding lead named yet" in acknowledgement and concern.state is ConcernState.WAITING_FOR_LEAD
    assert len(await world.services.ctx.repos.concerns.raised_by(programme_id, MENTEE.id)) == 1
    for manager in (MANAGER, DEPUTY):  # asked once to name a lead, and told nothing of the concern
        asked = [m.text for m in world.messenger.to(manager.id) if "name a lead" in m.text]
        assert len(asked) == 1 and CONCERN not in asked[0]
    raised = [e for e in await world.services.ctx.repos.audit.about(MENTEE.id) if e.action is AuditAction.CONCERN_RAISED]
    assert len(raised) == 1
