"""The sweep: acts on work that has fallen due (asking both people whether a session happened)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.domain.due import DRIFT_CHECK, NUDGES, RETENTION_PURGE, DueItem, buckets_between, hour_bucket
from bot.domain.errors import NotFound
from bot.services.alerts import DriftWatch
from bot.services.context import ServiceContext
from bot.services.nudges import NudgeService, Outcome
from bot.services.retention import RetentionService

log = logging.getLogger(__name__)

FIRST_LOOKBACK = timedelta(days=2)
DEFAULT_LEASE = timedelta(minutes=5)


@dataclass
class SweepReport:
    buckets: int = 0
    items_read: int = 0
    acted: int = 0
    skipped: int = 0


class DueWorkService:
    def __init__(self, ctx: ServiceContext, drift: DriftWatch, nudges: NudgeService, lease: timedelta = DEFAULT_LEASE,
                 retention: RetentionService | None = None):
        self._ctx = ctx
        self._drift = drift
        self._nudges = nudges
        self._retention = retention or RetentionService(ctx)
        self.lease = lease
        self.instance = ctx.make_id()  # names this sweeper in its claims

    async def sweep(self) -> SweepReport:
        """Read the hours since the last sweep; claim each due item (with a lease), act, then mark it done.

        Two instances never both act on an item (the claim is a conditional write). A sweeper killed
        mid-item leaves its claim to expire, and the next sweep takes the item over, so nothing is
        dropped; only an item whose message went out in the instant before the kill can go twice.
        """
        now = self._ctx.clock.now()
        repo = self._ctx.repos.due
        cursor = await repo.cursor()
        start = datetime.strptime(cursor, "%Y-%m-%dT%H").replace(tzinfo=now.tzinfo) if cursor else now - FIRST_LOOKBACK
        report = SweepReport()
        unfinished: list[str] = []
        for bucket in buckets_between(start, now):
            report.buckets += 1
            for item, etag in await repo.unfinished_in(bucket):
                report.items_read += 1
                if item.due_at > now or not item.claimable(now):
                    unfinished.append(bucket)
                    continue
                claim = await repo.claim(item, etag, self.instance, now + self.lease)
                if claim is None:
                    report.skipped += 1
                    continue
                try:
                    acted = await self._act(item, now)
                except Exception:  # one failing item must not stop the others; it is logged and retried
                    log.exception("due item %s failed; its lease will expire and it will be tried again", item.id)
                    unfinished.append(bucket)
                    continue
                await repo.finish(item, claim)
                report.acted += acted
                report.skipped += not acted
        # Earlier hours with nothing left are finished; keep the earliest that still has work.
        await repo.advance_cursor(min(unfinished, default=hour_bucket(now)))
        return report

    async def _act(self, item: DueItem, now: datetime) -> bool:
        try:
            return await self._act_on(item, now)
        except NotFound:
            # The pair or session is gone (deleted at the end of retention, or replaced): nothing to do.
            log.info("due item %s no longer applies", item.id)
            return False

    async def _act_on(self, item: DueItem, now: datetime) -> bool:
        if item.kind == RETENTION_PURGE:
            await self._retention.purge(item.detail)
            return True
        if item.kind == DRIFT_CHECK:
            await self._drift.check(item.pair_id)
            return True
        if item.kind in NUDGES:
            return await self._nudges.deliver(item, now) is Outcome.SENT
        log.warning("unknown due work %s", item.kind)
        return False
