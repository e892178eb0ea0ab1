"""The scheduler only ticks: what is due lives in the store, and each sweep is safe to repeat."""

from __future__ import annotations

import logging

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.services.due_work import DueWorkService

log = logging.getLogger(__name__)


def start_ticking(due_work: DueWorkService, every_seconds: float) -> AsyncIOScheduler:
    scheduler = AsyncIOScheduler(timezone="UTC")

    async def tick() -> None:
        report = await due_work.sweep()
        if report.acted:
            log.info("sweep: %s due items acted on (%s read)", report.acted, report.items_read)

    # One sweep at a time; a missed tick is folded into the next rather than run twice.
    scheduler.add_job(tick, "interval", seconds=every_seconds, max_instances=1, coalesce=True, id="due-work-sweep")
    scheduler.start()
    return scheduler
