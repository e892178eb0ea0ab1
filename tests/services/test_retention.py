"""Retention: a programme's records go at the end of its retention period, by the sweep (every engine)
and by Cosmos DB item TTLs as a backstop (the values written, checked on the Cosmos test server)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.domain.audit import SYSTEM_ACTOR, AuditAction
from bot.domain.due import RETENTION_PURGE, hour_bucket, partitions_of
from bot.domain.retention import MIN_TTL_SECONDS, retention_deadline, ttl_seconds
from bot.services.retention import RetentionService
from bot.storage.cosmos_store import CosmosDocumentStore
from bot.storage.documents import DUE, PAIRS, PEOPLE, PROGRAMMES, REFLECTIONS
from bot.storage.retention_ttl import RetentionTtlStore
from bot.services.authority import ListedAdmins
from bot.domain.enrolment import email_key
from tests.dialogs.harness import ADMIN, World, text_of, user
from tests.storage.engines import ENGINES

MANAGER, MENTOR, MENTEE, OTHER_MENTEE = user("Manager"), user("Megan"), user("Adele"), user("Priya")


class WorldClock:
    """The store wrapper is built before the world's clock exists: read it late."""

    world: World | None = None

    def now(self):
        return self.world.clock.now()


@pytest.fixture(params=sorted(ENGINES))
async def raw_store(request, tmp_path):
    engine = ENGINES[request.param](tmp_path)
    open_store = await engine.__anext__()
    store = await open_store()
    yield store
    await store.close()
    await engine.aclose()


@pytest.fixture
async def world(raw_store):
    clock = WorldClock()
    world = World(RetentionTtlStore(raw_store, clock))
    clock.world = world
    return world


async def journey(world: World) -> tuple[str, str]:
    """A pair with a contract, a held session, a reflection each and a help alert; and a second
    programme in which the mentor also mentors someone (so the mentor must survive the first's deletion)."""
    pair_id = await world.pair(MANAGER, MENTOR, MENTEE)
    await world.agree_contract(pair_id, MENTOR, MENTEE)
    session = await world.hold_session(pair_id, MENTOR, MENTEE)
    s = world.services
    await s.reflections.write(MENTEE, pair_id, session.id, "we discussed", "I learned", "next", 4, False)
    await s.reflections.write(MENTOR, pair_id, session.id, "discussed", "learned", "next", 5, True)
    await s.alerts.request_help(MENTEE, pair_id, "")
    other = await world.programme(MANAGER, "Second cohort")
    await s.pairs.pair_people(MANAGER, other.id, MENTOR, OTHER_MENTEE)
    programme_id = (await s.pairs.view(MENTOR, pair_id)).programme.id
    return programme_id, pair_id


async def run_sweep_at_deadline(world: World, programme_id: str) -> None:
    programme = await world.services.ctx.repos.programmes.get(programme_id)
    deadline = retention_deadline(programme)
    world.clock.advance(deadline - world.clock.now() + timedelta(minutes=1))
    # The scheduler sweeps every minute; skip the 18 months of empty hours a test would otherwise read.
    await set_cursor(world.services.ctx.repos.due, hour_bucket(deadline - timedelta(hours=1)))
    await world.services.due_work.sweep()


async def remaining(store, programme_id: str, pair_id: str) -> dict[str, int]:
    return {
        "pairs": len(await store.query(PAIRS, pair_id)),
        "programme": len(await store.query(PROGRAMMES, programme_id)),
        "reflections": len(await store.query(REFLECTIONS, MENTOR.id, {"pairId": pair_id}))
                       + len(await store.query(REFLECTIONS, MENTEE.id, {"pairId": pair_id})),
    }


async def test_the_sweep_deletes_a_programme_at_the_end_of_its_retention_and_audits_a_count(world, raw_store):
    programme_id, pair_id = await journey(world)
    # The programme's partition: the programme, its roster entry, the help alert and the pair's summary.
    assert await remaining(raw_store, programme_id, pair_id) == {"pairs": 3, "programme": 4, "reflections": 2}

    await run_sweep_at_deadline(world, programme_id)

    assert await remaining(raw_store, programme_id, pair_id) == {"pairs": 0, "programme": 0, "reflections": 0}
    people = world.services.ctx.repos.people
    assert await people.find(MENTEE.id) is None  # nothing else left of the mentee
    mentor = await people.get(MENTOR.id)  # still mentoring in the second programme
    assert [m.programme_id for m in mentor.memberships] != [] and all(m.programme_id != programme_id for m in mentor.memberships)
    manager = await people.get(MANAGER.id)
    assert programme_id not in manager.manages and len(manager.manages) == 1
    trail = await deletions(world, programme_id)
    assert [(e.action, e.actor_id) for e in trail] == [(AuditAction.RETENTION_DELETED, SYSTEM_ACTOR)]
    assert trail[0].detail == "12 records"  # 3 pair docs, 4 programme docs, 2 reflections, 3 people


async def test_a_deleted_programmes_invitations_leave_the_index_and_never_come_back(world, raw_store):
    """Invitations are indexed under each invitee's email, outside the programme's partition: they go too."""
    programme_id, pair_id = await journey(world)
    s = world.services
    invitee, joined = user("Nia"), user("Omar")
    roster = f"email,name,role\n{invitee.email},Nia,mentee\n{joined.email},Omar,mentor\n"
    await s.enrolment.import_roster(MANAGER, programme_id, roster)
    await world.chat(joined).say("hello")
    await s.enrolment.join(joined, programme_id)
    later = await world.programme(MANAGER, "Third cohort", ends_on=world.clock.now().date() + timedelta(days=900))
    await s.enrolment.import_roster(MANAGER, later.id, f"email,name,role\n{joined.email},Omar,mentor\n")
    participants = s.ctx.repos.participants
    assert await participants.programmes_inviting(invitee.email) == [programme_id]

    await run_sweep_at_deadline(world, programme_id)

    assert await participants.programmes_inviting(invitee.email) == []
    assert await participants.programmes_inviting(joined.email) == [later.id]  # another programme's invitation stays
    assert await raw_store.query(PROGRAMMES, f"invite.{email_key(invitee.email)}") == []
    assert await s.enrolment.invitations(invitee) == []  # opening Tandem now offers nothing from it
    assert "invited to join" not in text_of(await world.chat(invitee).say("hello"))
    assert [p.id for p, _ in await s.enrolment.taking_part(joined)] == [later.id]
    assert (await deletions(world, programme_id))[0].detail == "16 records"  # 12 as before, 2 participants, 2 index entries


async def test_an_ended_programmes_invitation_is_not_offered_before_its_data_goes(world):
    programme = await world.programme(MANAGER, "Short pilot", ends_on=world.clock.now().date() + timedelta(days=30))
    invitee = user("Nia")
    await world.services.enrolment.import_roster(MANAGER, programme.id, f"email,name,role\n{invitee.email},Nia,mentee\n")
    assert [p.id for p, _ in await world.services.enrolment.invitations(invitee)] == [programme.id]
    world.clock.advance(timedelta(days=32))
    assert await world.services.enrolment.invitations(invitee) == []
    assert "invited to join" not in text_of(await world.chat(invitee).say("hello"))


async def test_deleting_again_is_harmless_and_audits_nothing_more(world, raw_store):
    programme_id, pair_id = await journey(world)
    await run_sweep_at_deadline(world, programme_id)
    assert await RetentionService(world.services.ctx).purge(programme_id) == 0
    assert len(await deletions(world, programme_id)) == 1


async def test_an_interrupted_deletion_is_finished_by_the_next_sweep(world, raw_store, monkeypatch):
    programme_id, pair_id = await journey(world)
    records = world.services.ctx.repos.records
    original = records.delete_programme_records

    async def crash(_programme_id):
        raise ConnectionError("the instance died mid-way")

    monkeypatch.setattr(records, "delete_programme_records", crash)
    await run_sweep_at_deadline(world, programme_id)
    assert (await remaining(raw_store, programme_id, pair_id))["programme"] == 4  # not finished
    monkeypatch.setattr(records, "delete_programme_records", original)
    world.clock.advance(timedelta(minutes=10))  # past the retry delay of the failed attempt
    await world.services.due_work.sweep()

    assert await remaining(raw_store, programme_id, pair_id) == {"pairs": 0, "programme": 0, "reflections": 0}
    assert len(await deletions(world, programme_id)) == 1


async def test_a_programme_whose_end_moved_later_is_kept_until_the_new_deadline(world, raw_store):
    programme_id, pair_id = await journey(world)
    repos = world.services.ctx.repos
    programme = await repos.programmes.get(programme_id)
    first_deadline = retention_deadline(programme)
    await repos.programmes.change(programme_id, lambda p: p.__class__(**{**p.__dict__, "retention_months": 24}))
    world.clock.advance(first_deadline - world.clock.now() + timedelta(minutes=1))
    await set_cursor(repos.due, hour_bucket(first_deadline - timedelta(hours=1)))
    await world.services.due_work.sweep()
    assert (await remaining(raw_store, programme_id, pair_id))["pairs"] == 3
    later = retention_deadline(await repos.programmes.get(programme_id))
    assert later > first_deadline
    assert any(d.body["kind"] == RETENTION_PURGE for d in await due_in(raw_store, hour_bucket(later)))


async def test_nudges_for_a_deleted_pair_are_dropped_not_retried(world, raw_store):
    programme_id, pair_id = await journey(world)
    await run_sweep_at_deadline(world, programme_id)
    from bot.domain.due import REMINDER, DueItem

    late = DueItem(REMINDER, world.clock.now(), pair_id, "gone", detail="60")
    await world.services.ctx.repos.due.schedule(late)
    await world.services.due_work.sweep()
    assert not await world.services.ctx.repos.due.unfinished_in(late.bucket)


# The Cosmos DB TTL backstop: the item ttl each write carries ----------------------------------------

@pytest.fixture
async def cosmos_store(tmp_path):
    engine = ENGINES["cosmos"](tmp_path)
    open_store = await engine.__anext__()
    store = await open_store()
    yield store
    await store.close()
    await engine.aclose()


async def item_ttl(store: CosmosDocumentStore, container: str, partition: str, id: str) -> int | None:
    item = await store._containers[container].read_item(id, partition_key=partition)  # the stored item, not the body
    return item.get("ttl")


async def test_every_record_of_a_programme_carries_a_ttl_that_ends_at_its_deadline(cosmos_store):
    clock = WorldClock()
    world = World(RetentionTtlStore(cosmos_store, clock))
    clock.world = world
    programme_id, pair_id = await journey(world)
    deadline = retention_deadline(await world.services.ctx.repos.programmes.get(programme_id))
    expected = ttl_seconds(deadline, world.clock.now())  # the journey's last writes happened now

    assert await item_ttl(cosmos_store, PAIRS, pair_id, "schedule") == expected
    assert await item_ttl(cosmos_store, REFLECTIONS, MENTOR.id, next(
        d.id for d in await cosmos_store.query(REFLECTIONS, MENTOR.id))) == expected
    alert = next(d for d in await cosmos_store.query(PROGRAMMES, programme_id) if d.body["type"] == "alert")
    assert await item_ttl(cosmos_store, PROGRAMMES, programme_id, alert.id) == expected
    # Written earlier in the journey, so with more seconds to run: each write counts from itself.
    assert await item_ttl(cosmos_store, PAIRS, pair_id, "pair") > expected
    assert await item_ttl(cosmos_store, PROGRAMMES, programme_id, programme_id) > expected
    assert await item_ttl(cosmos_store, PROGRAMMES, programme_id, f"pair.{pair_id}") > expected
    assert await item_ttl(cosmos_store, PEOPLE, MENTOR.id, MENTOR.id) is None  # people span programmes
    # A participant and their entry in the invitation index (in the invitee's own partition) end with it too.
    await world.services.enrolment.import_roster(MANAGER, programme_id, "email,name,role\nnia@force.example,Nia,mentee\n")
    assert await item_ttl(cosmos_store, PROGRAMMES, f"invite.{email_key('nia@force.example')}", programme_id) == expected
    assert await item_ttl(cosmos_store, PROGRAMMES, programme_id, f"participant.{email_key('nia@force.example')}") == expected

    # A write long after the deadline (the sweep was down) keeps the floor, so the audited deletion wins.
    world.clock.advance(deadline - world.clock.now() + timedelta(days=30))
    await world.services.pairs.pause_nudges(MENTOR, 3)
    await world.services.ctx.repos.pairs.change_schedule(pair_id, lambda s: (s, None))
    assert await item_ttl(cosmos_store, PAIRS, pair_id, "schedule") == MIN_TTL_SECONDS

    # The deletion's own due item never expires before it falls due: pending work carries no TTL.
    purge = next(d for d in await due_in(cosmos_store, hour_bucket(deadline)) if d.body["kind"] == RETENTION_PURGE)
    assert await item_ttl(cosmos_store, DUE, purge.partition, purge.id) is None


async def deletions(world: World, programme_id: str) -> list:
    """The audit entries of deletions at the end of retention (the trail also has who set it up)."""
    return [e for e in await world.services.ctx.repos.audit.about(programme_id) if e.action is AuditAction.RETENTION_DELETED]


async def set_cursor(due, hour: str) -> None:
    _, etag = await due.cursor()
    assert await due.move_cursor(hour, etag)


async def due_in(store, hour: str) -> list:
    return [d for partition in partitions_of(hour) for d in await store.query(DUE, partition)]


# Settings and the programme's own period --------------------------------------------------------

def test_the_retention_default_comes_from_the_environment_and_is_bounded():
    from bot.settings import Settings, SettingsError

    assert Settings.from_env({}).retention_months == 12
    assert Settings.from_env({"TANDEM_RETENTION_MONTHS": "36"}).retention_months == 36
    for bad in ("0", "121", "a year"):
        with pytest.raises(SettingsError):
            Settings.from_env({"TANDEM_RETENTION_MONTHS": bad})


async def test_a_new_programme_stores_the_configured_retention_and_its_deadline_is_the_day_after(raw_store):
    from datetime import date, datetime, timezone

    from bot.clock import ManualClock
    from bot.services.context import Repositories, ServiceContext
    from bot.services.registry import Services
    from tests.dialogs.harness import RecordingMessenger

    clock = ManualClock(datetime(2027, 1, 11, 9, 0, tzinfo=timezone.utc))
    services = Services.build(ServiceContext(Repositories.over(raw_store), RecordingMessenger(), clock, retention_months=3,
                                             admins=ListedAdmins([ADMIN.aad_object_id])))
    programme = await services.pairs.create_programme(ADMIN, "Short pilot", date(2027, 3, 31))
    assert (await services.ctx.repos.programmes.get(programme.id)).retention_months == 3
    deadline = retention_deadline(programme)
    assert deadline == datetime(2027, 6, 30, 23, 0, tzinfo=timezone.utc)  # 1 July 2027 00:00 BST
