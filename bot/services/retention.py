"""Retention: a programme's records are deleted at the end of its retention period, by the sweep."""

from __future__ import annotations

import logging
from dataclasses import replace

from bot.domain.audit import SYSTEM_ACTOR, AuditAction
from bot.domain.due import RETENTION_PURGE, DueItem
from bot.domain.errors import NotFound
from bot.domain.people import Person
from bot.domain.programmes import Programme
from bot.domain.retention import retention_deadline
from bot.services.context import ServiceContext

log = logging.getLogger(__name__)


async def schedule_retention(ctx: ServiceContext, programme: Programme) -> DueItem:
    """Put the deletion in the due index (again, if the programme's end or retention changed)."""
    deadline = retention_deadline(programme)
    item = DueItem(RETENTION_PURGE, deadline, "", "", detail=programme.id)
    await ctx.repos.due.schedule(item)  # pending work never expires: the deletion is due years ahead
    return item


class RetentionService:
    def __init__(self, ctx: ServiceContext):
        self._ctx = ctx

    async def purge(self, programme_id: str) -> int:
        """Delete the programme's pairs (pair, contract, schedule), the reflections on them, its alerts,
        roster and participants with their entries in the invitation index, and its people's memberships
        of it (and the people with nothing else left).

        Returns how many records went. Idempotent: the programme document goes last, so a run that
        was interrupted is finished by the next, and a run after that finds nothing and audits nothing.
        """
        repos = self._ctx.repos
        try:
            programme: Programme | None = await repos.programmes.get(programme_id)
        except NotFound:
            programme = None
        if programme is not None and retention_deadline(programme) > self._ctx.clock.now():
            await schedule_retention(self._ctx, programme)  # its end moved later: wait for the new deadline
            return 0
        docs = await repos.records.programme_records(programme_id)
        roster = [d.body for d in docs if d.body.get("type") == "rosterEntry"]
        deleted = 0
        people: set[str] = set(programme.managers) if programme else set()
        for entry in roster:
            for author in (entry["mentorId"], entry["menteeId"]):
                deleted += await repos.records.delete_reflections(author, entry["pairId"])
                people.add(author)
            deleted += await repos.records.delete_pair_records(entry["pairId"])
        for person_id in sorted(people):
            deleted += await self._forget_programme(person_id, programme_id)
        # Its invitations, indexed under each invitee's email, go before its participants (who name them):
        # an ended programme's invitation never comes back to someone opening Tandem later.
        deleted += await repos.participants.forget_programme(programme_id)
        deleted += await repos.records.delete_programme_records(programme_id)
        if deleted:
            await self._ctx.audit(SYSTEM_ACTOR, AuditAction.RETENTION_DELETED, programme_id, programme_id,
                                  f"{deleted} records")
            log.info("retention: programme %s deleted (%s records)", programme_id, deleted)
        return deleted

    async def _forget_programme(self, person_id: str, programme_id: str) -> int:
        """Drop the person's memberships of the programme; delete them if nothing else is left."""
        repos = self._ctx.repos
        person = await repos.people.find(person_id)
        if person is None or not _involved(person, programme_id):
            return 0
        remaining = _without(person, programme_id)
        if not remaining.memberships and not remaining.manages:
            return await repos.records.delete_person(person_id)
        await repos.people.change(person_id, lambda p: _without(p, programme_id) if p else remaining)
        return 1


def _involved(person: Person, programme_id: str) -> bool:
    return programme_id in person.manages or any(m.programme_id == programme_id for m in person.memberships)


def _without(person: Person, programme_id: str) -> Person:
    return replace(person, memberships=tuple(m for m in person.memberships if m.programme_id != programme_id),
                   manages=tuple(p for p in person.manages if p != programme_id))
