"""Repositories named for what they keep, each mapping domain records to documents and back."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any, Callable, Collection, Sequence, TypeVar

from bot.domain.alerts import Alert
from bot.domain.audit import AuditEntry
from bot.domain.concerns import Concern, ConcernState
from bot.domain.contracts import Contract
from bot.domain.due import DueItem, DueState, outbox_partitions, partitions_of
from bot.domain.enrolment import Participant, email_key
from bot.domain.errors import NotFound
from bot.domain.outbox import DocRef, Outgoing
from bot.domain.people import Person
from bot.domain.programmes import CloseReason, Pair, Programme
from bot.domain.reflections import Reflection
from bot.domain.report import PairSummary
from bot.domain.sessions import NO_SUCH_SESSION, Schedule, Session
from bot.storage.documents import (
    AUDIT, CONCERNS, DUE, PAIRS, PEOPLE, PROGRAMMES, REFLECTIONS, DocumentExists, DocumentNotFound, DocumentStore, EtagMismatch,
    OUTBOX_FIELD, StorageError, StoreTimeout, drop_messages, read_modify_write, waiting_messages,
)
from bot.storage.kinds import (
    ALERT, AUDIT_ENTRY, CONCERN, CONTRACT, CONTRACT_VERSION, DUE_ITEM, OUTGOING, PAIR, PAIR_SUMMARY, PARTICIPANT, PERSON, PROGRAMME,
    REFLECTION, SCHEDULE, SESSION,
)
from bot.storage.schema import CURRENT_SCHEMA, SCHEMA, Kind

R = TypeVar("R")
Tell = Callable[[Any], Sequence[Outgoing]]  # from a change's result, the messages it causes
DONE_TTL_SECONDS = 30 * 24 * 3600

PAIR_DOC, CONTRACT_DOC, SCHEDULE_DOC = "pair", "contract", "schedule"


def _as_docs(tell: Tell | None) -> Callable[[Any], list[dict[str, Any]]] | None:
    return (lambda result: [OUTGOING.plain(m) for m in tell(result)]) if tell else None


def _typed(kind: str, body: dict[str, Any]) -> dict[str, Any]:
    """A small document without a typed model of its own (an index entry, a due item): its kind and the
    schema version, as every stored document carries."""
    return {**body, "type": kind, SCHEMA: CURRENT_SCHEMA}


class _CopyFirst(Exception):
    """Raised inside a pure change (so nothing is written): these settled entries must be copied out first."""

    def __init__(self, settled: tuple[Any, ...]):
        super().__init__(f"{len(settled)} settled entries to copy first")
        self.settled = settled


class PeopleRepository:
    def __init__(self, store: DocumentStore):
        self._store = store

    async def find(self, person_id: str) -> Person | None:
        """The person, or None when Tandem has not met them yet (not an error)."""
        try:
            doc = await self._store.read(PEOPLE, person_id, person_id)
        except DocumentNotFound:
            return None
        return PERSON.load(doc.body, person_id)

    async def get(self, person_id: str) -> Person:
        person = await self.find(person_id)
        if person is None:
            raise NotFound("I don't know that person yet.")
        return person

    async def change(self, person_id: str, change: Callable[[Person | None], Person]) -> Person:
        def apply(body: dict[str, Any] | None) -> tuple[dict[str, Any], Person]:
            updated = change(PERSON.load(body, person_id) if body else None)
            return PERSON.rewrite(body, updated), updated

        return await read_modify_write(self._store, PEOPLE, person_id, person_id, apply)


class ProgrammeRepository:
    def __init__(self, store: DocumentStore):
        self._store = store

    async def get(self, programme_id: str) -> Programme:
        try:
            doc = await self._store.read(PROGRAMMES, programme_id, programme_id)
        except DocumentNotFound as error:
            raise NotFound("I can't find that programme.") from error
        return PROGRAMME.load(doc.body, programme_id)

    async def add(self, programme: Programme) -> None:
        await self._store.create(PROGRAMMES, programme.id, programme.id, PROGRAMME.dump(programme))
        await self._store.upsert(PROGRAMMES, self.DIRECTORY, programme.id,
                                 _typed("programmeEntry", {"id": programme.id, "name": programme.name, "tenantId": programme.tenant_id}))

    DIRECTORY = "directory"  # one small entry per programme, so a programme is found by name in one partition

    async def directory(self, tenant_id: str | None = None) -> list[dict[str, str]]:
        """Every programme's id, name and tenant, or one tenant's (the command line and administrators)."""
        equals = {"type": "programmeEntry", **({"tenantId": tenant_id} if tenant_id is not None else {})}
        docs = await self._store.query(PROGRAMMES, self.DIRECTORY, equals)
        return [{"id": d.body["id"], "name": d.body["name"], "tenantId": d.body["tenantId"]} for d in docs]

    async def in_tenant(self, tenant_id: str) -> list[Programme]:
        return [await self.get(entry["id"]) for entry in await self.directory(tenant_id)]

    async def add_to_roster(self, pair: Pair) -> None:
        """A roster entry in the programme's partition, so a manager lists pairs without a fan-out."""
        entry = {"pairId": pair.id, "mentorId": pair.mentor_id, "menteeId": pair.mentee_id}
        await self._store.upsert(PROGRAMMES, pair.programme_id, f"pair.{pair.id}", _typed("rosterEntry", entry))

    async def change(self, programme_id: str, change: Callable[[Programme], Programme]) -> Programme:
        def apply(body: dict[str, Any] | None) -> tuple[dict[str, Any], Programme]:
            if body is None:
                raise NotFound("I can't find that programme.")
            updated = change(PROGRAMME.load(body, programme_id))
            return PROGRAMME.rewrite(body, updated), updated

        return await read_modify_write(self._store, PROGRAMMES, programme_id, programme_id, apply)

    async def roster(self, programme_id: str) -> list[str]:
        docs = await self._store.query(PROGRAMMES, programme_id, {"type": "rosterEntry"})
        return [d.body["pairId"] for d in docs]


class PairRepository:
    """A pair's own partition holds the pair, its contract and its schedule (what is live), and the history
    they shed: each settled contract version as `contract.v<N>` and each settled session as `session.<id>`,
    written once when they leave, read only for history, export, the report and CPD records. Moving is
    copy first, then drop (only what is still exactly as copied), so a crash between the two loses nothing."""

    def __init__(self, store: DocumentStore):
        self._store = store

    async def get(self, pair_id: str) -> Pair:
        try:
            doc = await self._store.read(PAIRS, pair_id, PAIR_DOC)
        except DocumentNotFound as error:
            raise NotFound("I can't find that pairing.") from error
        return PAIR.load(doc.body, pair_id)

    async def add(self, pair: Pair, tell: Sequence[Outgoing] = ()) -> None:
        """`tell`: the messages the new pairing causes, written with it (see EmbeddedOutbox)."""
        body = PAIR.dump(pair)
        await self._store.create(PAIRS, pair.id, PAIR_DOC, {**body, OUTBOX_FIELD: [OUTGOING.plain(m) for m in tell]} if tell else body)

    @staticmethod
    def pair_ref(pair_id: str) -> DocRef:
        return DocRef(PAIRS, pair_id, PAIR_DOC)

    async def close(self, pair_id: str, reason: CloseReason | None = None, now: datetime | None = None,
                    tell: Tell | None = None) -> Pair:
        """Mark the pairing closed (its history stays): nudges and drift checks then skip it. Closing a
        closed pairing changes nothing (its first reason and time stay)."""
        def apply(body: dict[str, Any] | None) -> tuple[dict[str, Any], Pair]:
            if body is None:
                raise NotFound("I can't find that pairing.")
            closed = PAIR.load(body, pair_id).closed(reason, now)
            return PAIR.rewrite(body, closed), closed

        return await read_modify_write(self._store, PAIRS, pair_id, PAIR_DOC, apply, tell=_as_docs(tell))

    async def _read(self, pair_id: str, doc_id: str, kind: Kind[Any]) -> Any:
        """The pair's contract or schedule; an empty one if nothing was written yet."""
        try:
            return kind.load((await self._store.read(PAIRS, pair_id, doc_id)).body, pair_id)
        except DocumentNotFound:
            return kind.model(pair_id)

    async def _change(self, pair_id: str, doc_id: str, kind: Kind[Any], change: Callable[[Any], tuple[Any, R]],
                      tell: Tell | None = None) -> R:
        def apply(body: dict[str, Any] | None) -> tuple[dict[str, Any], R]:
            updated, result = change(kind.load(body, pair_id) if body else kind.model(pair_id))
            return kind.rewrite(body, updated), result

        return await read_modify_write(self._store, PAIRS, pair_id, doc_id, apply, tell=_as_docs(tell))

    @staticmethod
    def contract_ref(pair_id: str) -> DocRef:
        return DocRef(PAIRS, pair_id, CONTRACT_DOC)

    @staticmethod
    def schedule_ref(pair_id: str) -> DocRef:
        return DocRef(PAIRS, pair_id, SCHEDULE_DOC)

    async def _change_shedding(self, pair_id: str, doc_id: str, kind: Kind[Any], item: Kind[Any],
                               item_id: Callable[[Any], str], change: Callable[[Any], tuple[Any, R]],
                               tell: Tell | None = None) -> R:
        """Change the live contract or schedule, shedding what has settled: a change that finds settled
        entries not yet copied writes nothing, they are copied to items of their own, and the change runs
        again dropping them. Usually nothing has settled, and this is one read and one write."""
        copied: tuple[Any, ...] = ()

        def guarded(current: Any) -> tuple[Any, R]:
            fresh = tuple(x for x in current.settled() if x not in copied)
            if fresh:
                raise _CopyFirst(fresh)
            return change(current.without(copied))

        while True:
            try:
                return await self._change(pair_id, doc_id, kind, guarded, tell)
            except _CopyFirst as first:
                for each in first.settled:
                    await self._store.upsert(PAIRS, pair_id, item_id(each), item.dump(each))
                copied += first.settled

    async def _history(self, pair_id: str, item: Kind[Any]) -> tuple[Any, ...]:
        return tuple(item.load(d.body, d.id) for d in await self._store.query(PAIRS, pair_id, {"type": item.name}))

    async def contract(self, pair_id: str) -> Contract:
        """The live contract: the versions still in play (see contract_history for every version)."""
        return await self._read(pair_id, CONTRACT_DOC, CONTRACT)

    async def contract_history(self, pair_id: str) -> Contract:
        """The contract with every version since the first draft."""
        live = await self.contract(pair_id)
        return live.with_history(await self._history(pair_id, CONTRACT_VERSION)) if live.has_history else live

    async def change_contract(self, pair_id: str, change: Callable[[Contract], tuple[Contract, R]],
                              tell: Tell | None = None) -> R:
        """`tell`: the messages the change causes, from its result, written with it (see EmbeddedOutbox)."""
        return await self._change_shedding(pair_id, CONTRACT_DOC, CONTRACT, CONTRACT_VERSION, lambda v: f"contract.v{v.number}",
                                           change, tell)

    async def schedule(self, pair_id: str) -> Schedule:
        """The live schedule: open, recent and last-held sessions (see schedule_history for all of them)."""
        return await self._read(pair_id, SCHEDULE_DOC, SCHEDULE)

    async def session(self, pair_id: str, session_id: str) -> Session:
        """One session by id, live or settled long ago: the live schedule, then, only if it is not there and
        some have moved out, one more point read of its own item (a late reflection on an old session)."""
        live = await self.schedule(pair_id)
        if live.moved_out_may_hold(session_id):
            return await self.moved_out_session(pair_id, session_id)
        return live.session(session_id)

    async def moved_out_session(self, pair_id: str, session_id: str) -> Session:
        """A session kept in history (`session.<id>`), or NotFound as for one nowhere at all."""
        try:
            return SESSION.load((await self._store.read(PAIRS, pair_id, f"session.{session_id}")).body, pair_id)
        except DocumentNotFound:
            raise NotFound(NO_SUCH_SESSION) from None

    async def schedule_history(self, pair_id: str) -> Schedule:
        """Every session the pair ever had."""
        live = await self.schedule(pair_id)
        return live.with_history(await self._history(pair_id, SESSION)) if live.moved_out else live

    async def change_schedule(self, pair_id: str, change: Callable[[Schedule], tuple[Schedule, R]],
                              tell: Tell | None = None) -> R:
        return await self._change_shedding(pair_id, SCHEDULE_DOC, SCHEDULE, SESSION, lambda s: f"session.{s.id}", change, tell)


class ReflectionRepository:
    """Reflections live in their author's partition: only the author ever writes them."""

    def __init__(self, store: DocumentStore):
        self._store = store

    async def save(self, reflection: Reflection, tell: Tell | None = None) -> bool:
        """Write the reflection (writing again replaces it). True if the version it replaced was already
        shared with the partner. `tell`: the messages the save causes, from (reflection, already shared),
        written with it (see EmbeddedOutbox)."""
        def apply(body: dict[str, Any] | None) -> tuple[dict[str, Any], tuple[Reflection, bool]]:
            return REFLECTION.rewrite(body, reflection), (reflection, bool(body and body.get("sharedWithPartner")))

        _, was_shared = await read_modify_write(self._store, REFLECTIONS, reflection.author_id, reflection.id, apply,
                                                tell=_as_docs(tell))
        return was_shared

    @staticmethod
    def ref(reflection: Reflection) -> DocRef:
        return DocRef(REFLECTIONS, reflection.author_id, reflection.id)

    async def by_author(self, author_id: str) -> list[Reflection]:
        docs = await self._store.query(REFLECTIONS, author_id, {"type": "reflection"})
        return sorted((REFLECTION.load(d.body, d.id) for d in docs), key=lambda r: r.session_starts_at, reverse=True)

    async def shared_with_partner(self, author_id: str, pair_id: str) -> list[Reflection]:
        docs = await self._store.query(REFLECTIONS, author_id, {"pairId": pair_id, "sharedWithPartner": True})
        return sorted((REFLECTION.load(d.body, d.id) for d in docs), key=lambda r: r.session_starts_at, reverse=True)


class DueWorkRepository:
    """The index of work by the hour it falls due (spread over a few shards): a sweep reads only the
    hours since it last ran, plus a grace window for late writes.

    Every state change is a conditional write on the ETag the caller holds, so a sweeper whose lease
    was taken over can neither finish nor release the item (it is fenced off)."""

    CURSOR_PARTITION, CURSOR_ID = "sweep", "cursor"

    def __init__(self, store: DocumentStore):
        self._store = store

    async def schedule(self, item: DueItem) -> bool:
        """Add this work unless it is already there, in whatever state: scheduling the same work again
        never resets an item a sweeper holds or has finished. True if it was added."""
        return await self.add(item) is not None

    async def add(self, item: DueItem) -> str | None:
        """`schedule`, answering with the new item's ETag (to finish it with), or None if it was already there."""
        try:
            return (await self._store.create(DUE, item.bucket, item.id, DUE_ITEM.dump(item.fresh()))).etag
        except DocumentExists:
            return None

    async def get(self, item: DueItem) -> tuple[DueItem, str] | None:
        try:
            doc = await self._store.read(DUE, item.bucket, item.id)
        except DocumentNotFound:
            return None
        return DUE_ITEM.load(doc.body, doc.id), doc.etag

    async def unfinished_in(self, hour: str) -> list[tuple[DueItem, str]]:
        """Items in that hour still to do: pending, or claimed by a sweeper (whose lease may have run out)."""
        found = []
        for partition in partitions_of(hour):
            docs = await self._store.query(DUE, partition, {"type": "due", "open": True})
            found += [(DUE_ITEM.load(d.body, d.id), d.etag) for d in docs]
        return found

    async def open_outbox(self) -> list[tuple[DueItem, str]]:
        """Outbox messages not yet delivered (pending, waiting to retry, or held by a sender)."""
        found = []
        for partition in outbox_partitions():
            docs = await self._store.query(DUE, partition, {"type": "due", "open": True})
            found += [(DUE_ITEM.load(d.body, d.id), d.etag) for d in docs]
        return found

    async def _write(self, item: DueItem, etag: str, body: dict[str, Any]) -> str | None:
        """The conditional write every state change is: its new ETag, or None if someone else wrote the item
        since `etag`. A write whose answer was lost is read back: landed, it is ours (a sweeper must not think
        a claim, renewal or sent mark it made was someone else's, and stop, or send again); unchanged, it
        did not land, and the timeout is raised."""
        try:
            return (await self._store.replace(DUE, item.bucket, item.id, body, if_match=etag)).etag
        except (EtagMismatch, DocumentNotFound):
            return None
        except StoreTimeout:
            try:
                doc = await self._store.read(DUE, item.bucket, item.id)
            except DocumentNotFound:
                return None
            if doc.etag == etag:
                raise  # nothing was written
            return doc.etag if DUE_ITEM.load(doc.body, doc.id) == DUE_ITEM.load(body, item.id) else None

    async def claim(self, item: DueItem, etag: str, owner: str, lease_until: datetime) -> tuple[DueItem, str] | None:
        """Take the item until `lease_until` (reckoned from the moment of claiming), counting the attempt.
        None if another sweeper got there first."""
        claimed = replace(item, state=DueState.CLAIMED, owner=owner, lease_until=lease_until, attempts=item.attempts + 1)
        new_etag = await self._write(item, etag, DUE_ITEM.dump(claimed))
        return (claimed, new_etag) if new_etag else None

    async def renew(self, item: DueItem, etag: str, lease_until: datetime) -> tuple[DueItem, str] | None:
        """Extend our lease while the work is still in flight; None if it was taken over."""
        renewed = replace(item, lease_until=lease_until)
        new_etag = await self._write(item, etag, DUE_ITEM.dump(renewed))
        return (renewed, new_etag) if new_etag else None

    async def mark_sent(self, item: DueItem, etag: str, recipient: str) -> tuple[DueItem, str] | None:
        """Record that one recipient of this item's messages was reached; None if it was taken over."""
        marked = replace(item, sent_to=item.sent_to + (recipient,))
        new_etag = await self._write(item, etag, DUE_ITEM.dump(marked))
        return (marked, new_etag) if new_etag else None

    async def finish(self, item: DueItem, etag: str) -> bool:
        """Done: kept a while for the record, then expired by its TTL. False if our lease was taken over."""
        done = {**DUE_ITEM.dump(replace(item, state=DueState.DONE, lease_until=None)), "ttl": DONE_TTL_SECONDS}
        return await self._write(item, etag, done) is not None

    async def release(self, item: DueItem, etag: str, retry_at: datetime, error: str) -> bool:
        """It failed: back to pending, to be tried again from `retry_at`."""
        body = DUE_ITEM.dump(replace(item, state=DueState.PENDING, owner="", lease_until=None, retry_at=retry_at))
        return await self._write(item, etag, {**body, "lastError": error[:200]}) is not None

    async def dead_letter(self, item: DueItem, etag: str, error: str) -> bool:
        """Failed too often: set aside for an engineer, never tried again; kept as long as done items."""
        body = DUE_ITEM.dump(replace(item, state=DueState.DEAD, lease_until=None))
        return await self._write(item, etag, {**body, "lastError": error[:200], "ttl": DONE_TTL_SECONDS}) is not None

    async def dead_letters_in(self, hour: str) -> list[DueItem]:
        found = []
        for partition in partitions_of(hour):
            found += [DUE_ITEM.load(d.body, d.id) for d in await self._store.query(DUE, partition, {"type": "due", "state": DueState.DEAD.value})]
        return found

    async def cursor(self) -> tuple[str | None, str | None]:
        """The earliest hour that may still hold work, and the ETag to move it with."""
        try:
            doc = await self._store.read(DUE, self.CURSOR_PARTITION, self.CURSOR_ID)
        except DocumentNotFound:
            return None, None
        return doc.body["bucket"], doc.etag

    async def move_cursor(self, hour: str, etag: str | None) -> bool:
        """Move the cursor only if nobody else moved it since we read it (else they know better)."""
        body = {"type": "cursor", "bucket": hour}
        try:
            if etag is None:
                await self._store.create(DUE, self.CURSOR_PARTITION, self.CURSOR_ID, body)
            else:
                await self._store.replace(DUE, self.CURSOR_PARTITION, self.CURSOR_ID, body, if_match=etag)
            return True
        except (EtagMismatch, DocumentExists, DocumentNotFound):
            return False


class AlertRepository:
    """Alerts live in their programme's partition: a manager's open alerts are one query."""

    def __init__(self, store: DocumentStore):
        self._store = store

    @staticmethod
    def _doc_id(alert_id: str) -> str:
        return f"alert.{alert_id}"

    async def find(self, programme_id: str, alert_id: str) -> Alert | None:
        try:
            doc = await self._store.read(PROGRAMMES, programme_id, self._doc_id(alert_id))
        except DocumentNotFound:
            return None
        return ALERT.load(doc.body, alert_id)

    def ref(self, alert: Alert) -> DocRef:
        return self.ref_of(alert.programme_id, alert.id)

    async def add(self, alert: Alert, tell: Sequence[Outgoing] = ()) -> bool:
        """False if this alert was already raised (same id): one alert per occurrence. `tell`: the
        messages it causes, written with it (see EmbeddedOutbox)."""
        body = ALERT.dump(alert)
        try:
            await self._store.create(PROGRAMMES, alert.programme_id, self._doc_id(alert.id),
                                     {**body, OUTBOX_FIELD: [OUTGOING.plain(m) for m in tell]} if tell else body)
            return True
        except DocumentExists:
            return False

    def ref_of(self, programme_id: str, alert_id: str) -> DocRef:
        return DocRef(PROGRAMMES, programme_id, self._doc_id(alert_id))

    async def change(self, programme_id: str, alert_id: str, change: Callable[[Alert], Alert], tell: Tell | None = None) -> Alert:
        """`tell`: the messages the change causes, from the changed alert, written with it (see EmbeddedOutbox)."""
        def apply(body: dict[str, Any] | None) -> tuple[dict[str, Any], Alert]:
            if body is None:
                raise NotFound("I can't find that alert.")
            updated = change(ALERT.load(body, alert_id))
            return ALERT.rewrite(body, updated), updated

        return await read_modify_write(self._store, PROGRAMMES, programme_id, self._doc_id(alert_id), apply, tell=_as_docs(tell))

    async def for_pair(self, programme_id: str, pair_id: str) -> list[Alert]:
        docs = await self._store.query(PROGRAMMES, programme_id, {"type": "alert", "pairId": pair_id})
        return [ALERT.load(d.body, d.id) for d in docs]

    async def in_programme(self, programme_id: str) -> list[Alert]:
        docs = await self._store.query(PROGRAMMES, programme_id, {"type": "alert"})
        return sorted((ALERT.load(d.body, d.id) for d in docs), key=lambda a: a.raised_at, reverse=True)


class PairSummaryRepository:
    """One small summary per pair in its programme's partition: the report is one single-partition query."""

    def __init__(self, store: DocumentStore):
        self._store = store

    @staticmethod
    def _doc_id(pair_id: str) -> str:
        return f"summary.{pair_id}"

    async def save(self, summary: PairSummary) -> None:
        # Last writer wins: every writer computes the whole summary from fresh reads, and the drift check,
        # which runs after every change to the pair, rewrites it from the pair's own documents.
        await self._store.upsert(PROGRAMMES, summary.programme_id, self._doc_id(summary.pair_id),
                                 PAIR_SUMMARY.dump(summary))

    async def find(self, programme_id: str, pair_id: str) -> PairSummary | None:
        try:
            return PAIR_SUMMARY.load((await self._store.read(PROGRAMMES, programme_id, self._doc_id(pair_id))).body, pair_id)
        except DocumentNotFound:
            return None

    async def in_programme(self, programme_id: str) -> list[PairSummary]:
        docs = await self._store.query(PROGRAMMES, programme_id, {"type": "pairSummary"})
        return [PAIR_SUMMARY.load(d.body, d.id) for d in docs]


class AuditRepository:
    """Append-only: entries are created, never replaced; each expires by its own TTL."""

    def __init__(self, store: DocumentStore, retention_seconds: int):
        self._store = store
        self._ttl = retention_seconds

    async def append(self, entry: AuditEntry) -> None:
        await self._store.create(AUDIT, entry.subject_id, entry.id, {**AUDIT_ENTRY.dump(entry), "ttl": self._ttl})

    async def append_once(self, entry: AuditEntry) -> None:
        """An entry whose id names the step it records: if one with that id is there already (the step was
        repeated after a fault, or finished later), that is this entry, kept as it was."""
        try:
            await self.append(entry)
        except DocumentExists:
            pass

    async def about(self, subject_id: str) -> list[AuditEntry]:
        """Everything done to one person's or programme's record, oldest first."""
        docs = await self._store.query(AUDIT, subject_id, {"type": "audit"})
        return sorted((AUDIT_ENTRY.load(d.body, d.id) for d in docs), key=lambda e: (e.at, e.id))


class ConcernRepository:
    """Safeguarding concerns, in a container of their own: no programme, roster or alert query reads it."""

    def __init__(self, store: DocumentStore):
        self._store = store

    @staticmethod
    def ref(concern: Concern) -> DocRef:
        return DocRef(CONCERNS, concern.programme_id, concern.id)

    async def add(self, concern: Concern, tell: Sequence[Outgoing] = ()) -> None:
        """`tell`: the messages the new concern causes, written with it (see EmbeddedOutbox). A write left
        unanswered is looked for (its id is new, so if it is there it is this one) before it counts as failed."""
        body = CONCERN.dump(concern)
        try:
            await self._store.create(CONCERNS, concern.programme_id, concern.id,
                                     {**body, OUTBOX_FIELD: [OUTGOING.plain(m) for m in tell]} if tell else body)
        except StoreTimeout as unanswered:
            try:
                await self._store.read(CONCERNS, concern.programme_id, concern.id)
            except StorageError:
                raise unanswered from None

    async def raised_by(self, programme_id: str, reporter_id: str) -> list[Concern]:
        """The concerns one person raised in a programme, oldest first: to know a concern raised again."""
        docs = await self._store.query(CONCERNS, programme_id, {"type": "concern", "reporterId": reporter_id})
        return sorted((CONCERN.load(d.body, d.id) for d in docs), key=lambda c: c.raised_at)

    async def get(self, programme_id: str, concern_id: str) -> Concern:
        try:
            return CONCERN.load((await self._store.read(CONCERNS, programme_id, concern_id)).body, concern_id)
        except DocumentNotFound as error:
            raise NotFound("I can't find that concern.") from error

    async def change(self, programme_id: str, concern_id: str, change: Callable[[Concern], Concern],
                     tell: Tell | None = None) -> Concern:
        """`tell`: the messages the change causes, from the changed concern, written with it (see EmbeddedOutbox)."""
        def apply(body: dict[str, Any] | None) -> tuple[dict[str, Any], Concern]:
            if body is None:
                raise NotFound("I can't find that concern.")
            updated = change(CONCERN.load(body, concern_id))
            return CONCERN.rewrite(body, updated), updated

        return await read_modify_write(self._store, CONCERNS, programme_id, concern_id, apply, tell=_as_docs(tell))

    async def waiting_for_lead(self, programme_id: str) -> list[Concern]:
        docs = await self._store.query(CONCERNS, programme_id, {"type": "concern", "state": ConcernState.WAITING_FOR_LEAD.name})
        return sorted((CONCERN.load(d.body, d.id) for d in docs), key=lambda c: c.raised_at)


class ParticipantRepository:
    """Who takes part in each programme, in the programme's partition (one query lists them for matching),
    and an index by email (partition `invite.<email key>`, one entry per programme) so someone opening
    Tandem for the first time finds every programme that invited them in one partition read."""

    def __init__(self, store: DocumentStore):
        self._store = store

    @staticmethod
    def _index(email: str) -> str:
        return f"invite.{email_key(email)}"

    async def put(self, participant: Participant) -> None:
        await self._store.upsert(PROGRAMMES, participant.programme_id, participant.id, PARTICIPANT.dump(participant))
        await self._store.upsert(PROGRAMMES, self._index(participant.email), participant.programme_id,
                                 _typed("invitation", {"programmeId": participant.programme_id}))

    async def put_all(self, participants: list[Participant]) -> None:
        """Many at once (a roster import): the store's bulk write, participants first, then the index."""
        await self._store.upsert_many(PROGRAMMES, [(p.programme_id, p.id, PARTICIPANT.dump(p)) for p in participants])
        await self._store.upsert_many(PROGRAMMES, [(self._index(p.email), p.programme_id,
                                                    _typed("invitation", {"programmeId": p.programme_id})) for p in participants])

    async def find(self, programme_id: str, email: str) -> Participant | None:
        try:
            doc = await self._store.read(PROGRAMMES, programme_id, f"participant.{email_key(email)}")
        except DocumentNotFound:
            return None
        return PARTICIPANT.load(doc.body, doc.id)

    async def in_programme(self, programme_id: str) -> list[Participant]:
        docs = await self._store.query(PROGRAMMES, programme_id, {"type": "participant"})
        return sorted((PARTICIPANT.load(d.body, d.id) for d in docs), key=lambda p: p.email)

    async def programmes_inviting(self, email: str) -> list[str]:
        docs = await self._store.query(PROGRAMMES, self._index(email), {"type": "invitation"})
        return sorted(d.body["programmeId"] for d in docs)

    @staticmethod
    def ref(programme_id: str, email: str) -> DocRef:
        return DocRef(PROGRAMMES, programme_id, f"participant.{email_key(email)}")

    async def change(self, programme_id: str, email: str, change: Callable[[Participant], Participant],
                     tell: Tell | None = None) -> Participant:
        """`tell`: the messages the change causes, from the changed participant, written with it (see EmbeddedOutbox)."""
        def apply(body: dict[str, Any] | None) -> tuple[dict[str, Any], Participant]:
            if body is None:
                raise NotFound("You haven't been invited to that programme.")
            updated = change(PARTICIPANT.load(body, programme_id))
            return PARTICIPANT.rewrite(body, updated), updated

        return await read_modify_write(self._store, PROGRAMMES, programme_id, f"participant.{email_key(email)}", apply,
                                       tell=_as_docs(tell))

    async def of_email(self, email: str) -> list[Participant]:
        """Every programme's record of this person (by the invitation index): for their export and erasure."""
        found = []
        for programme_id in await self.programmes_inviting(email):
            participant = await self.find(programme_id, email)
            if participant is not None:
                found.append(participant)
        return found

    async def forget_programme(self, programme_id: str) -> int:
        """Take the programme out of the invitation index of everyone it invited (the entries live in each
        email's partition, so they do not go with the programme's own). Run before its participants go:
        they are how the entries are found. Returns how many went; a second run finds none."""
        removed = 0
        for participant in await self.in_programme(programme_id):
            index = self._index(participant.email)
            try:
                await self._store.read(PROGRAMMES, index, programme_id)
            except DocumentNotFound:
                continue
            await self._store.delete(PROGRAMMES, index, programme_id)
            removed += 1
        return removed

    async def remove(self, programme_id: str, email: str) -> None:
        """Gone from the programme and from the index: nothing of them is left here (an erasure)."""
        await self._store.delete(PROGRAMMES, programme_id, f"participant.{email_key(email)}")
        await self._store.delete(PROGRAMMES, self._index(email), programme_id)


class EmbeddedOutbox:
    """The messages a change caused, kept in its own document (written with it) until they are relayed
    to the per-recipient outbox: read them, and drop those relayed (a conditional write)."""

    def __init__(self, store: DocumentStore):
        self._store = store

    async def waiting(self, ref: DocRef) -> list[Outgoing]:
        return [OUTGOING.load(d) for d in await waiting_messages(self._store, ref.container, ref.partition, ref.id)]

    async def drop(self, ref: DocRef, relayed: Collection[Outgoing]) -> None:
        await drop_messages(self._store, ref.container, ref.partition, ref.id, {m.address for m in relayed})
