"""A pairing ends cleanly, one way, whoever ends it: sessions still to come (and their Outlook events)
cancelled, reminders stopped, the contract closed, both told kindly, the history kept; its members can then
be paired again. One active pairing per person per programme, and mentor and mentee are two people."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.domain.alerts import AlertAction, AlertState
from bot.domain.contracts import ContractStatus
from bot.domain.errors import AlreadyDone, InvalidInput, InvalidState, NotAllowed
from bot.domain.programmes import CloseReason, PairStatus, allows_several
from bot.domain.people import Role
from bot.domain.sessions import SessionStatus
from bot.services.calendar import EventRef, NoCalendar
from bot.storage.sqlite_store import SqliteDocumentStore
from cards import verbs
from tests.dialogs.harness import World, press, user
from tests.domain.builders import clauses
from bot.storage.kinds import CONTRACT

MANAGER, MENTOR, MENTEE, OTHER, STRANGER = user("Manager"), user("Megan"), user("Adele"), user("Priya"), user("Sam")


class RecordingCalendar(NoCalendar):
    """A calendar that books and cancels in memory, so a test can see which events were cancelled."""

    enabled = True

    def __init__(self):
        self.booked: list[str] = []
        self.cancelled: list[str] = []

    async def book(self, meeting):
        event_id = f"event-{len(self.booked) + 1}"
        self.booked.append(event_id)
        return EventRef("organiser", event_id)

    async def cancel(self, event, comment):
        self.cancelled.append(event.event_id)


@pytest.fixture
async def calendar_world(tmp_path):
    store = await SqliteDocumentStore.open(tmp_path / "tandem.sqlite3")
    calendar = RecordingCalendar()
    yield World(store, calendar=calendar), calendar
    await store.close()


async def working_pair(world: World) -> tuple[str, object, object]:
    """Contract in force, one session held with a reflection, one booked ahead, an amendment pending."""
    pair_id = await world.pair(MANAGER, MENTOR, MENTEE)
    await world.agree_contract(pair_id, MENTOR, MENTEE)
    held = await world.hold_session(pair_id, MENTOR, MENTEE)
    s = world.services
    await s.reflections.write(MENTEE, pair_id, held.id, "Nerves", "Trust", "Ask more", 4, False)
    booked = await s.sessions.propose(MENTEE, pair_id, world.clock.now() + timedelta(days=10))
    await s.sessions.accept(MENTOR, pair_id, booked.id)
    await s.contracts.propose(MENTEE, pair_id, clauses(meeting_minutes=90))
    return pair_id, held, booked


async def test_a_no_fault_close_approved_from_the_alert_card_ends_the_pair_cleanly(calendar_world):
    world, calendar = calendar_world
    pair_id, held, booked = await working_pair(world)
    s = world.services
    alert = await s.alerts.request_close(MENTEE, pair_id, "We've done what we set out to do")
    programme_id = (await s.ctx.repos.pairs.get(pair_id)).programme_id
    assert "event-2" in calendar.booked  # the booked session has its Outlook event
    world.messenger.sent.clear()

    status, body, _ = await press(world.chat(MANAGER), verbs.ALERT_APPROVE_CLOSE,
                                  {"programmeId": programme_id, "alertId": alert.id, "pairId": pair_id})

    assert status == 200
    repos = s.ctx.repos
    pair = await repos.pairs.get(pair_id)
    assert pair.status is PairStatus.CLOSED and pair.closed_reason is CloseReason.NO_FAULT
    schedule = await repos.pairs.schedule(pair_id)
    assert schedule.session(booked.id).status is SessionStatus.CANCELLED
    assert schedule.session(held.id).status is SessionStatus.HELD  # history kept
    assert calendar.cancelled == ["event-2"]
    contract = await repos.pairs.contract(pair_id)
    assert contract.closed_at is not None and contract.pending is None
    assert contract.in_force is not None  # the agreed version stays readable
    assert (await repos.alerts.find(programme_id, alert.id)).state is AlertState.RESOLVED
    assert "Approve close" not in str(body)  # the card pressed no longer offers it
    for member in (MENTOR, MENTEE):
        told = [m.text for m in world.messenger.to(member.id)]
        assert any("come to a close" in t and "nobody is to blame" in t for t in told), told
    # Reflections stay readable by their author; the contract can no longer change.
    assert [r.id for r in (await s.reflections.mine(MENTEE))[0]]
    with pytest.raises((InvalidState, NotAllowed)):
        await s.contracts.propose(MENTEE, pair_id, clauses())


async def test_due_reminders_for_a_closed_pair_send_nothing(world):
    pair_id, _, booked = await working_pair(world)
    await world.services.pairs.close(MANAGER, pair_id, CloseReason.LEFT_PROGRAMME)
    world.messenger.sent.clear()
    world.clock.advance(timedelta(days=12))
    await world.services.due_work.sweep()
    assert not [m for _, m in world.messenger.sent if "Reminder" in m.text or "Did it happen" in m.text]


async def test_only_a_manager_of_the_programme_can_approve_a_close(world):
    pair_id, _, _ = await working_pair(world)
    s = world.services
    alert = await s.alerts.request_close(MENTEE, pair_id, "")
    programme_id = (await s.ctx.repos.pairs.get(pair_id)).programme_id
    for who in (MENTEE, MENTOR, STRANGER):
        with pytest.raises(NotAllowed):
            await s.alerts.act(who, programme_id, alert.id, AlertAction.APPROVE_CLOSE)
    assert (await s.ctx.repos.pairs.get(pair_id)).status is PairStatus.ACTIVE


async def test_a_help_alert_cannot_be_approved_as_a_close(world):
    pair_id, _, _ = await working_pair(world)
    s = world.services
    alert = await s.alerts.request_help(MENTEE, pair_id, "")
    programme_id = (await s.ctx.repos.pairs.get(pair_id)).programme_id
    with pytest.raises(InvalidState):
        await s.alerts.act(MANAGER, programme_id, alert.id, AlertAction.APPROVE_CLOSE)
    assert (await s.ctx.repos.pairs.get(pair_id)).status is PairStatus.ACTIVE


async def test_closing_twice_is_refused_kindly_and_changes_nothing(world):
    pair_id, _, _ = await working_pair(world)
    await world.services.pairs.close(MANAGER, pair_id, CloseReason.NO_FAULT)
    with pytest.raises(AlreadyDone):
        await world.services.pairs.close(MANAGER, pair_id, CloseReason.LEFT_PROGRAMME)
    assert (await world.services.ctx.repos.pairs.get(pair_id)).closed_reason is CloseReason.NO_FAULT


async def test_closed_pairs_members_can_be_paired_again_with_others_or_each_other(world):
    pair_id, _, _ = await working_pair(world)
    s = world.services
    programme_id = (await s.ctx.repos.pairs.get(pair_id)).programme_id
    await s.pairs.register(OTHER, {"conversation": {"id": "conv-other"}})
    with pytest.raises(NotAllowed, match="already paired"):
        await s.pairs.pair_people(MANAGER, programme_id, OTHER, MENTEE)
    await s.pairs.close(MANAGER, pair_id, CloseReason.NO_FAULT)
    again = await s.pairs.pair_people(MANAGER, programme_id, MENTOR, MENTEE)
    assert again.id != pair_id and again.status is PairStatus.ACTIVE
    assert (await s.ctx.repos.pairs.get(pair_id)).status is PairStatus.CLOSED  # the old one's history stays
    assert [v.pair.id for v in await s.pairs.views(MENTEE)] == [again.id]


async def test_one_active_pairing_per_person_per_programme(world):
    pair_id = await world.pair(MANAGER, MENTOR, MENTEE)
    s = world.services
    programme = await s.ctx.repos.programmes.get((await s.ctx.repos.pairs.get(pair_id)).programme_id)
    assert allows_several(programme, Role.MENTOR) is False and allows_several(programme, Role.MENTEE) is False
    for mentor, mentee in ((MENTOR, OTHER), (OTHER, MENTEE), (MENTEE, OTHER)):
        with pytest.raises(NotAllowed, match="one active pairing per programme"):
            await s.pairs.pair_people(MANAGER, programme.id, mentor, mentee)
    # In another programme they may be paired.
    other = await world.programme(MANAGER, "Second pilot")
    assert (await s.pairs.pair_people(MANAGER, other.id, MENTOR, OTHER)).status is PairStatus.ACTIVE


async def test_a_mentor_cannot_mentor_themselves(world):
    programme = await world.programme(MANAGER)
    with pytest.raises(InvalidInput, match="two different people"):
        await world.services.pairs.pair_people(MANAGER, programme.id, MENTOR, MENTOR)


async def test_erasing_your_data_ends_the_pairing_the_same_way(calendar_world):
    world, calendar = calendar_world
    pair_id, _, booked = await working_pair(world)
    await world.services.my_data.erase(MENTEE, confirmed=True)
    repos = world.services.ctx.repos
    pair = await repos.pairs.get(pair_id)
    assert pair.closed_reason is CloseReason.DATA_ERASED
    assert (await repos.pairs.contract(pair_id)).closed_at is not None
    assert calendar.cancelled == ["event-2"]
    told = [m.text for m in world.messenger.to(MENTOR.id)]
    assert any("has left Tandem" in t for t in told)


async def test_the_programme_ending_closes_its_pairs(world):
    pair_id, _, _ = await working_pair(world)
    s = world.services
    programme = await s.ctx.repos.programmes.get((await s.ctx.repos.pairs.get(pair_id)).programme_id)
    world.messenger.sent.clear()
    world.clock.advance(programme.ends_on - world.clock.now().date() + timedelta(days=2))
    await s.due_work.sweep()
    pair = await s.ctx.repos.pairs.get(pair_id)
    assert pair.closed_reason is CloseReason.PROGRAMME_ENDED
    assert any("has come to an end" in m.text for m in world.messenger.to(MENTEE.id))


def test_the_contract_keeps_its_versions_when_closed():
    from datetime import datetime, timezone

    from bot.domain.contracts import Contract
    from bot.domain.people import Role

    now = datetime(2027, 1, 5, tzinfo=timezone.utc)
    contract, first = Contract("p").propose(Role.MENTEE, clauses(), clauses().end_date, now)
    closed, withdrawn = contract.close(now)
    assert withdrawn == 1 and closed.version(first.number).status is ContractStatus.WITHDRAWN
    assert closed.close(now) == (closed, 0)
    assert CONTRACT.load(CONTRACT.dump(closed)) == closed
