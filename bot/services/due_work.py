"""The sweep: acts on work that has fallen due (nudges, drift checks), at least once and, as people see
it, once: each item is claimed with a lease, the lease is renewed while the work is in flight, and only
the holder of the lease can mark it done."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TypeVar

from bot.domain.due import (
    CALENDAR_CHECK, CALENDAR_SYNC, CLOCK_SKEW, DEBRIEF, DRIFT_CHECK, MAX_ATTEMPTS, NUDGES, OUTBOX, PROGRAMME_END, RELAY,
    RELAY_LOOKS_AGAIN, RETENTION_PURGE,
    SURVEY, SURVEY_REMINDER, DueItem, buckets_between, hour_bucket, relay_ref, retry_delay,
)
from bot.domain.errors import DomainError, NotFound
from bot.services.alerts import DriftWatch
from bot.services.calendar_sync import CalendarSync
from bot.services.context import ServiceContext, persist
from bot.services.nudges import NudgeService, Outcome
from bot.services.pairs import PairService
from bot.storage.documents import StorageError, StoreBusy
from bot.services.retention import RetentionService
from bot.services.surveys import SurveyService

log = logging.getLogger(__name__)
T = TypeVar("T")

FIRST_LOOKBACK = timedelta(days=2)
GRACE = timedelta(hours=2)  # hours behind the cursor are read again: late writes, skewed clocks
DEFAULT_LEASE = timedelta(minutes=5)
DEFAULT_WORKERS = 8  # items acted on at once; delivery has its own limits within Teams' ceilings


class LookAgain(Exception):
    """Not a failure: the item found nothing to do yet and is to look again later (with backoff)."""


@dataclass
class SweepReport:
    buckets: int = 0
    items_read: int = 0
    overdue: int = 0  # items read whose time has come (whoever holds them)
    acted: int = 0
    skipped: int = 0
    failed: int = 0
    dead_lettered: int = 0
    fenced: int = 0  # our lease was taken over before we finished: the other sweeper finishes it
    unfinished_hours: set[str] = field(default_factory=set)


@dataclass
class _Held:
    """An item this sweeper holds, with the ETag of its latest write (claim or renewal)."""

    item: DueItem
    etag: str
    lost: bool = False
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)


class DueWorkService:
    def __init__(self, ctx: ServiceContext, drift: DriftWatch, nudges: NudgeService, lease: timedelta = DEFAULT_LEASE,
                 workers: int = DEFAULT_WORKERS, skew: timedelta = CLOCK_SKEW, calendar: CalendarSync | None = None,
                 retention: RetentionService | None = None, pairs: PairService | None = None,
                 surveys: SurveyService | None = None):
        self._ctx = ctx
        self._pairs = pairs
        self._surveys = surveys
        self._calendar = calendar or CalendarSync(ctx)
        self._drift = drift
        self._nudges = nudges
        self._retention = retention or RetentionService(ctx)
        self.lease = lease
        self.workers = workers
        self.skew = skew  # how far ahead another instance's clock may be
        self.instance = ctx.make_id()  # names this sweeper in its claims

    async def sweep(self) -> SweepReport:
        """Read the hours since the cursor (less a grace window); claim, act on and finish each item due.

        Two instances never both act on an item while its holder is alive: the claim is a conditional
        write and the holder renews its lease until it is done. A sweeper killed mid-item leaves a lease
        that runs out, and the next sweep takes the item over, so nothing is dropped; only a message sent
        in the instant before a kill, not yet marked done, can go twice.
        """
        now = self._ctx.clock.now()
        repo = self._ctx.repos.due
        cursor, cursor_etag = await repo.cursor()
        start = _hour_start(cursor, now) - GRACE if cursor else now - FIRST_LOOKBACK
        report = SweepReport()
        work: list[tuple[DueItem, str]] = []
        for hour in buckets_between(start, now):
            report.buckets += 1
            for item, etag in await repo.unfinished_in(hour):
                report.items_read += 1
                report.overdue += item.due_at <= now
                if item.claimable(now, self.skew):
                    work.append((item, etag))
                else:
                    report.unfinished_hours.add(hour)  # not yet due, waiting to retry, or held by another
        for item, etag in await repo.open_outbox():  # messages not delivered when their step ran
            report.items_read += 1
            report.overdue += item.due_at <= now
            if item.claimable(now, self.skew):
                work.append((item, etag))
        slots = asyncio.Semaphore(self.workers)

        async def run(item: DueItem, etag: str) -> None:
            async with slots:
                await self._run(item, etag, report)

        await asyncio.gather(*(run(item, etag) for item, etag in work))
        # The cursor stays at the earliest hour that may still have work; nobody's move is overwritten.
        moved_to = min(report.unfinished_hours, default=hour_bucket(now))
        if moved_to != cursor:
            await repo.move_cursor(moved_to, cursor_etag)
        return report

    async def _run(self, item: DueItem, etag: str, report: SweepReport) -> None:
        repo = self._ctx.repos.due
        claimed_at = self._ctx.clock.now()  # the lease runs from the claim, not from the sweep's start
        try:
            claim = await repo.claim(item, etag, self.instance, claimed_at + self.lease)
        except StorageError:
            claim = None  # the store is busy: as if another sweeper had it; the hour stays open
        if claim is None:
            report.skipped += 1
            _keep_open(report, item)  # another sweeper holds it; if it fails, we retry later
            return
        held = _Held(*claim)
        if held.item.attempts > MAX_ATTEMPTS:
            if await repo.dead_letter(held.item, held.etag, "too many attempts"):
                await self._set_aside(held.item)
            log.warning("due item %s (%s) set aside after %s attempts", item.id, item.kind, MAX_ATTEMPTS)
            report.dead_lettered += 1
            return
        stop = asyncio.Event()
        renewer = asyncio.create_task(self._keep_renewed(held, stop))
        try:
            acted = await self._act(held, claimed_at)
        except LookAgain as why:
            await _stop(stop, renewer)
            report.skipped += 1
            _keep_open(report, item)
            try:
                async with held.lock:
                    await repo.release(held.item, held.etag, self._ctx.clock.now() + retry_delay(held.item.attempts), str(why))
            except StorageError:
                log.warning("due item %s: could not release it to look again; its lease will run out", item.id)
            return
        except Exception as error:  # one failing item must not stop the others; it is retried, then set aside
            log.exception("due item %s (%s) failed on attempt %s", item.id, item.kind, held.item.attempts)
            await _stop(stop, renewer)
            report.failed += 1
            _keep_open(report, item)
            try:
                async with held.lock:
                    if held.item.attempts >= MAX_ATTEMPTS:
                        if await repo.dead_letter(held.item, held.etag, type(error).__name__):
                            await self._set_aside(held.item)
                        report.dead_lettered += 1
                    else:
                        await repo.release(held.item, held.etag, self._ctx.clock.now() + retry_delay(held.item.attempts),
                                           type(error).__name__)
            except StorageError:  # the lease runs out instead, and the item is taken over
                log.warning("due item %s: could not record the failure; its lease will run out", item.id)
            return
        await _stop(stop, renewer)
        try:
            async with held.lock:
                finished = not held.lost and await persist(lambda: repo.finish(held.item, held.etag))
        except StorageError:
            log.warning("due item %s: done, but the store could not record it; it may be acted on again", item.id)
            report.failed += 1
            return
        if not finished:
            log.warning("due item %s: our lease was taken over before we finished", item.id)
            report.fenced += 1
            return
        report.acted += acted
        report.skipped += not acted

    async def _set_aside(self, item: DueItem) -> None:
        """A message that could not be delivered is not dropped silently: its recipient's managers are told."""
        if item.kind != OUTBOX:
            return
        try:
            await self._ctx.undeliverable(item)
        except (StorageError, DomainError):
            log.warning("outbox item %s set aside, and its managers could not be told now", item.id)

    async def _keep_renewed(self, held: _Held, stop: asyncio.Event) -> None:
        """Renew the lease every third of its length until the work is done (or the lease is lost)."""
        every = self.lease.total_seconds() / 3
        while not held.lost:
            try:
                await asyncio.wait_for(stop.wait(), every)
                return
            except asyncio.TimeoutError:
                pass
            async with held.lock:
                try:
                    renewed = await self._ctx.repos.due.renew(held.item, held.etag, self._ctx.clock.now() + self.lease)
                except StorageError:
                    continue  # try again at the next third; the lease has two thirds left
                if renewed is None:
                    held.lost = True
                    log.warning("due item %s: lease taken over while in flight", held.item.id)
                else:
                    held.item, held.etag = renewed

    async def _act(self, held: _Held, now: datetime) -> bool:
        try:
            return await self._act_on(held, now)
        except NotFound:
            # The pair or session is gone (deleted at the end of retention, or replaced): nothing to do.
            log.info("due item %s no longer applies", held.item.id)
            return False

    async def _act_on(self, held: _Held, now: datetime) -> bool:
        item = held.item
        if item.kind == RETENTION_PURGE:
            await self._retention.purge(item.detail)
            return True
        if item.kind == DRIFT_CHECK:
            await self._drift.check(item.pair_id)
            return True
        if item.kind == PROGRAMME_END and self._pairs is not None:
            return await self._pairs.end_programme(item.detail) > 0
        if item.kind == CALENDAR_SYNC:
            return await self._calendar.retry(item, now)
        if item.kind == CALENDAR_CHECK:
            return await self._calendar.check(item, now)
        if item.kind == RELAY:
            ref = relay_ref(item)
            relayed = await self._ctx.relay_now(ref)
            if await self._ctx.repos.embedded.waiting(ref):
                raise StoreBusy("messages still wait to be relayed")  # released, and tried again with backoff
            if not relayed and now < item.due_at + RELAY_LOOKS_AGAIN and item.attempts < MAX_ATTEMPTS:
                # Nothing there yet. Our clock may be ahead of the step's (CLOCK_SKEW): its write may still
                # be coming, and the step may not live to relay it. (A step that relays finishes its item.)
                raise LookAgain("nothing to relay yet")
            return bool(relayed)
        if item.kind == OUTBOX:
            delivery = await self._ctx.deliver_stored(item)  # raises on failure: retried, then set aside
            await self._ctx.keep_delivery(item, delivery)  # never raises: a delivered message is not sent again
            return True

        async def reached(person_id: str) -> None:
            async with held.lock:
                marked = await persist(lambda: self._ctx.repos.due.mark_sent(held.item, held.etag, person_id))
                if marked is None:
                    held.lost = True
                else:
                    held.item, held.etag = marked

        if item.kind in NUDGES:
            return await self._nudges.deliver(item, now, reached) is Outcome.SENT
        if item.kind in (SURVEY, SURVEY_REMINDER, DEBRIEF) and self._surveys is not None:
            return await self._surveys.deliver(item, now, reached) is Outcome.SENT
        log.warning("unknown due work %s", item.kind)
        return False


def _keep_open(report: SweepReport, item: DueItem) -> None:
    """The item's hour must be read again (outbox items are read on every sweep, whatever the cursor)."""
    if item.in_hour_buckets:
        report.unfinished_hours.add(item.hour)


async def _stop(stop: asyncio.Event, renewer: asyncio.Task) -> None:
    stop.set()
    await renewer


def _hour_start(hour: str, now: datetime) -> datetime:
    return datetime.strptime(hour, "%Y-%m-%dT%H").replace(tzinfo=now.tzinfo)
