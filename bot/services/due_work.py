"""The sweep: acts on work that has fallen due (asking both people whether a session happened)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.domain.due import ATTENDANCE_CHECK, DRIFT_CHECK, DueItem, buckets_between, hour_bucket
from bot.domain.people import Role
from bot.domain.sessions import SessionStatus
from bot.services.alerts import DriftWatch
from bot.services.context import Message, ServiceContext
from cards.session import attendance_card

log = logging.getLogger(__name__)

FIRST_LOOKBACK = timedelta(days=2)


@dataclass
class SweepReport:
    buckets: int = 0
    items_read: int = 0
    acted: int = 0
    skipped: int = 0


class DueWorkService:
    def __init__(self, ctx: ServiceContext, drift: DriftWatch):
        self._ctx = ctx
        self._drift = drift

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
        if item.kind != ATTENDANCE_CHECK:
            log.warning("unknown due work %s", item.kind)
            return False
        pair = await self._ctx.repos.pairs.get(item.pair_id)
        session = (await self._ctx.repos.pairs.schedule(item.pair_id)).session(item.session_id)
        if session.status is not SessionStatus.CONFIRMED or session.ends_at != item.due_at:
            return False  # cancelled, moved or already reported: nothing to ask
        names = {}
        for role in Role:
            person = await self._ctx.repos.people.get(pair.member(role))
            names[role] = person.name or f"your {role.value}"
        for role in Role:
            if role.value in session.attendance:
                continue
            await self._ctx.notify(pair.member(role), Message(
                text="Your session's time has passed. Did it happen?",
                card=attendance_card(pair.id, session, names[role.other]),
            ))
        return True
