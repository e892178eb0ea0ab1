"""Line managers from the directory, for the matching rule "never paired with your own line manager".

Each person's manager is asked of the Calendar port (Graph's /users/{id}/manager), a few at a time, so the
per-mailbox limits and Retry-After handling of the Graph client apply. When the tenant does not let Tandem
read managers, nobody else is asked and the manager is told once: matching goes ahead with the line
managers the roster gives. `bot.domain.roster.with_line_managers` applies the answer to a roster.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from typing import Sequence

from bot.domain.policy import Action
from bot.services.calendar import Calendar, CalendarError, CalendarNotPermitted, Invitee, NoCalendar
from bot.services.context import Actor, ServiceContext

log = logging.getLogger(__name__)

CONCURRENCY = 8  # lookups in flight at once; each mailbox's own limit (4) is the Graph client's
NOT_PERMITTED = ("I couldn't check line managers: Tandem isn't allowed to read them in this organisation "
                 "(an administrator can consent to User.Read.All). I used the line managers in the roster.")


def unanswered(count: int) -> str:
    people = "1 person" if count == 1 else f"{count} people"
    return (f"I couldn't check line managers for {people}: Microsoft Graph didn't answer. "
            "I used the line managers in the roster for them.")


@dataclass(frozen=True)
class LineManagers:
    managers: dict[str, str] = field(default_factory=dict)  # person email -> their manager's email, lower case
    warning: str = ""  # for the programme manager, once, when some or all could not be checked
    checked: bool = False  # False when there is no directory to ask (Graph not configured, or not permitted)


class LineManagerService:
    def __init__(self, ctx: ServiceContext, calendar: Calendar | None = None, concurrency: int = CONCURRENCY):
        self._ctx = ctx
        self._calendar = calendar or NoCalendar()
        self._concurrency = concurrency

    async def look_up(self, actor: Actor, programme_id: str, people: Sequence[Invitee]) -> LineManagers:
        """Each person's line manager (by their object id or address), for a programme's manager."""
        programme = await self._ctx.repos.programmes.get(programme_id)
        await self._ctx.require_in(actor, programme, Action.VIEW_ROSTER)
        if not self._calendar.enabled or not people:
            return LineManagers()
        slots = asyncio.Semaphore(self._concurrency)
        refused = asyncio.Event()
        managers: dict[str, str] = {}
        failed = 0

        async def one(person: Invitee) -> None:
            nonlocal failed
            async with slots:
                if refused.is_set():
                    return  # the tenant said no: asking everyone else would only be refused too
                try:
                    found = await self._calendar.line_manager(person)
                except CalendarNotPermitted:
                    found = None
                    refused.set()
                except CalendarError as error:
                    failed += 1
                    log.info("line manager not checked for one person: %s", error.reason)
                    return
                if found is None or not found.permitted:
                    refused.set()
                    return
                email = (found.manager.email if found.manager else "").strip().lower()
                if email:
                    managers[(person.email or person.mailbox).strip().lower()] = email

        await asyncio.gather(*(one(person) for person in people))
        if refused.is_set():
            return LineManagers(managers, NOT_PERMITTED, checked=False)
        return LineManagers(managers, unanswered(failed) if failed else "", checked=True)
