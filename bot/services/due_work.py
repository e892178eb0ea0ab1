"""The sweep: acts on work that has fallen due (asking both people whether a session happened)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.domain.due import DRIFT_CHECK, NUDGES, DueItem, buckets_between, hour_bucket
from bot.services.alerts import DriftWatch
from bot.services.context import ServiceContext
from bot.services.nudges import NudgeService, Outcome

log = logging.getLogger(__name__)

FIRST_LOOKBACK = timedelta(days=2)


@dataclass
class SweepReport:
    buckets: int = 0
    items_read: int = 0
    acted: int = 0
    skipped: int = 0


class DueWorkService:
    def __init__(self, ctx: ServiceContext, drift: DriftWatch, nudges: NudgeService):
        self._ctx = ctx
        self._drift = drift
        self._nudges = nudges

    async def sweep(self) -> SweepReport:
        """Read the hours since the last sweep, claim each due item, then act on it. Safe to run
        again at any time and from several instances: a claimed item is never acted on twice."""
        now = self._ctx.clock.now()
        repo = self._ctx.repos.due
        cursor = await repo.cursor()
        start = datetime.strptime(cursor, "%Y-%m-%dT%H").replace(tzinfo=now.tzinfo) if cursor else now - FIRST_LOOKBACK
        report = SweepReport()
        for bucket in buckets_between(start, now):
            report.buckets += 1
            for item, etag in await repo.pending_in(bucket):
                report.items_read += 1
                if item.due_at > now:
                    continue
                if await repo.claim(item, etag) and await self._act(item, now):
                    report.acted += 1
                else:
                    report.skipped += 1
        # The current hour may still gain items; earlier hours are finished.
        await repo.advance_cursor(hour_bucket(now))
        return report

    async def _act(self, item: DueItem, now: datetime) -> bool:
        if item.kind == DRIFT_CHECK:
            await self._drift.check(item.pair_id)
            return True
        if item.kind in NUDGES:
            return await self._nudges.deliver(item, now) is Outcome.SENT
        log.warning("unknown due work %s", item.kind)
        return False
