"""Running a programme: its managers, the teams linked to it, and the people who need a guardian's consent."""

from __future__ import annotations

from dataclasses import replace

from bot.domain.audit import AuditAction
from bot.domain.errors import AlreadyDone, InvalidInput, NotAllowed
from bot.domain.people import Person
from bot.domain.policy import Action, require
from bot.domain.programmes import Programme, with_settings
from bot.services.authority import Place, PlaceKind
from bot.services.context import Actor, Message, ServiceContext
from bot.services.pairs import known_person


class ProgrammeService:
    def __init__(self, ctx: ServiceContext):
        self._ctx = ctx
        self._repos = ctx.repos

    async def administered_by(self, actor: Actor) -> list[Programme]:
        """The programmes whose managers the actor may change: every one in their organisation for an
        administrator, else the ones they manage."""
        require(set(), Action.OWN_RECORD)
        if await self._ctx.is_admin(actor):
            return await self._repos.programmes.in_tenant(actor.tenant_id)
        person = await self._repos.people.find(actor.id)
        programmes = [await self._repos.programmes.get(pid) for pid in (person.manages if person else ())]
        return [p for p in programmes if p.is_manager(actor.id)]

    async def appoint_manager(self, actor: Actor, programme_id: str, person: Actor) -> Programme:
        """An administrator appoints a manager; a manager adds a co-manager. The new manager is told."""
        programme = await self._repos.programmes.get(programme_id)
        await self._ctx.require_in(actor, programme, Action.APPOINT_MANAGER)
        _same_organisation(programme, person)
        updated = await self._repos.programmes.change(programme_id, lambda p: p.with_manager(person.id))
        await self._repos.people.change(person.id, lambda p: known_person(p, person).managing(programme_id))
        await self._ctx.audit(actor.id, AuditAction.MANAGER_APPOINTED, person.id, programme_id)
        await self._ctx.notify(person.id, Message(
            text=f"{actor.name} made you a manager of {programme.name}. Say **help** to see what managers can do."))
        return updated

    async def remove_manager(self, actor: Actor, programme_id: str, person: Actor) -> Programme:
        """Never leaves a programme without a manager."""
        programme = await self._repos.programmes.get(programme_id)
        await self._ctx.require_in(actor, programme, Action.REMOVE_MANAGER)
        updated = await self._repos.programmes.change(programme_id, lambda p: p.without_manager(person.id))
        await self._repos.people.change(person.id, lambda p: replace(
            known_person(p, person), manages=tuple(m for m in known_person(p, person).manages if m != programme_id)))
        await self._ctx.audit(actor.id, AuditAction.MANAGER_REMOVED, person.id, programme_id)
        return updated

    async def settings(self, actor: Actor, programme_id: str) -> Programme:
        """The programme as its settings card shows it, for its managers."""
        programme = await self._repos.programmes.get(programme_id)
        await self._ctx.require_in(actor, programme, Action.EDIT_PROGRAMME)
        return programme

    async def change_settings(self, actor: Actor, programme_id: str, kind: str, matching: str, focus_areas: str,
                              organisations: str, cadence: str, other_tenants: str | None = None,
                              guests: bool | None = None) -> Programme:
        """`other_tenants` (`;`-separated Entra tenant ids) and `guests`: who besides its own organisation may
        take part; left as they were when not given."""
        programme = await self._repos.programmes.get(programme_id)
        await self._ctx.require_in(actor, programme, Action.EDIT_PROGRAMME)
        updated = await self._repos.programmes.change(
            programme_id, lambda p: with_settings(p, kind, matching, focus_areas, organisations, cadence, other_tenants, guests))
        await self._ctx.audit(actor.id, AuditAction.PROGRAMME_CHANGED, programme_id, programme_id)
        return updated

    async def link_team(self, actor: Actor, programme_id: str, place: Place) -> Programme:
        """Typed in a channel of the team: its channels may then receive the programme's alerts."""
        programme = await self._repos.programmes.get(programme_id)
        await self._ctx.require_in(actor, programme, Action.LINK_TEAM)
        if place.kind is not PlaceKind.CHANNEL or not place.team_id:
            raise InvalidInput(f"Say **link team in {programme.name}** in a channel of the team you want to link.")
        updated = await self._repos.programmes.change(programme_id, lambda p: p.with_team(place.team_id))
        await self._ctx.audit(actor.id, AuditAction.TEAM_LINKED, programme_id, programme_id)
        return updated

    async def record_under_18(self, actor: Actor, programme_id: str, person: Actor) -> Person:
        """Recorded by a manager of the programme they are (or will be) in: they can't be paired without
        a guardian's consent."""
        programme = await self._repos.programmes.get(programme_id)
        await self._ctx.require_in(actor, programme, Action.RECORD_UNDER_18)
        _same_organisation(programme, person)
        recorded = await self._repos.people.change(person.id, lambda p: replace(known_person(p, person), under_18=True))
        await self._ctx.audit(actor.id, AuditAction.UNDER_18_RECORDED, person.id, programme_id)
        return recorded

    async def record_guardian_consent(self, actor: Actor, programme_id: str, person: Actor) -> Person:
        programme = await self._repos.programmes.get(programme_id)
        await self._ctx.require_in(actor, programme, Action.RECORD_GUARDIAN_CONSENT)
        _same_organisation(programme, person)
        known = await self._repos.people.find(person.id)
        if known is None or not known.under_18:
            raise InvalidInput(f"{person.name} isn't recorded as under 18, so no guardian consent is needed. "
                               f"To record that they are: under 18 @{person.name}")
        if known.guardian_consent_at is not None:
            raise AlreadyDone(f"Guardian consent for {person.name} is already recorded.")
        now = self._ctx.clock.now()
        recorded = await self._repos.people.change(person.id, lambda p: replace(p, guardian_consent_at=now))
        await self._ctx.audit(actor.id, AuditAction.GUARDIAN_CONSENT_RECORDED, person.id, programme_id)
        return recorded


def _same_organisation(programme: Programme, person: Actor) -> None:
    if person.tenant_id != programme.tenant_id:
        raise NotAllowed("They must be in the same organisation as the programme.")

