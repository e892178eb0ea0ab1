"""Safeguarding: naming a programme's lead, and concerns that reach that lead and nobody else."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from bot.domain.audit import AuditAction
from bot.domain.concerns import Concern, new_concern
from bot.domain.errors import NotAllowed
from bot.domain.rate_limits import Counter, Raised
from bot.domain.policy import Action, require
from bot.domain.programmes import Programme
from bot.domain.uktime import format_uk
from bot.services.context import DELIVERY, Actor, Message, ServiceContext, Unreachable
from bot.services.pairs import PairService, known_person
from cards.safeguarding import concern_card

DANGER = "If anyone is in immediate danger, call 999."


class SafeguardingService:
    def __init__(self, ctx: ServiceContext, pairs: PairService):
        self._ctx = ctx
        self._repos = ctx.repos
        self._pairs = pairs

    async def name_lead(self, actor: Actor, programme_id: str, person: Actor) -> Programme:
        """A manager names the programme's safeguarding lead; concerns kept while there was none go to them now."""
        programme = await self._repos.programmes.get(programme_id)
        await self._ctx.require_in(actor, programme, Action.NAME_SAFEGUARDING_LEAD)
        if person.tenant_id != programme.tenant_id:
            raise NotAllowed("The safeguarding lead must be in the same organisation as the programme.")
        await self._repos.people.change(person.id, lambda p: known_person(p, person))
        updated = await self._repos.programmes.change(programme_id, lambda p: replace(p, safeguarding_lead=person.id))
        await self._ctx.audit(actor.id, AuditAction.SAFEGUARDING_LEAD_NAMED, person.id, programme_id)
        await self._ctx.notify(person.id, Message(
            text=f"{actor.name} named you the safeguarding lead for {programme.name}. Concerns participants raise "
                 "come to you here, privately, and to nobody else."))
        for concern in await self._repos.concerns.waiting_for_lead(programme_id):
            await self._send_to_lead(concern, updated, person.id)
        return updated

    async def raise_concern(self, actor: Actor, pair_id: str, words: str) -> tuple[Concern, str]:
        """A participant raises a concern: only the lead is sent it. Returns it and what to tell the reporter."""
        view = await self._pairs.view(actor, pair_id, Action.RAISE_CONCERN)
        programme = view.programme
        lead = await self._repos.people.find(programme.safeguarding_lead) if programme.safeguarding_lead else None
        now = self._ctx.clock.now()
        concern = new_concern(self._ctx.make_id(), programme.id, actor.id, words, now)
        over = (f"You've raised several concerns today, so I haven't sent this one. Please contact "
                f"{lead.name if lead and lead.name else 'your programme safeguarding lead'} directly. {DANGER}")
        await self._repos.people.change(actor.id, lambda p: replace(
            p, raised={**p.raised, Raised.CONCERN.value: Counter(p.raised.get(Raised.CONCERN.value, ())).counted(Raised.CONCERN, now, over).times}))
        await self._repos.concerns.add(concern)
        await self._ctx.audit(actor.id, AuditAction.CONCERN_RAISED, actor.id, programme.id)
        if lead is not None:
            sent = await self._send_to_lead(concern, programme, lead.id)
            return sent, (f"I've sent your concern to {lead.name or 'the safeguarding lead'}, the safeguarding lead for "
                          f"{programme.name}. Only they will see it: not your partner, not your line manager and not the "
                          f"programme's managers. {DANGER}")
        for manager_id in programme.managers:
            await self._ctx.notify(manager_id, Message(
                text=f"{programme.name} has no safeguarding lead, and a concern is waiting for one. Please name a lead "
                     "now: safeguarding lead @person. I haven't told you anything about the concern, and won't."),
                key=f"concern.{concern.id}.no-lead.{manager_id}")
        return concern, (f"{programme.name} has no safeguarding lead named yet. I've kept your concern safe for the lead "
                         "and asked the managers to name one, without telling them anything about it or who raised it. "
                         f"It goes to the lead as soon as one is named. {DANGER}")

    async def deliver_kept(self, actor: Actor) -> int:
        """The lead has opened Tandem: send them the concern cards kept while they could not be reached.
        Only their own record is read; a concern whose lead has since changed is not sent."""
        require(set(), Action.OWN_RECORD)
        person = await self._repos.people.find(actor.id)
        sent: list[str] = []
        for key in person.kept_concerns if person else ():
            programme_id, _, concern_id = key.partition("/")
            concern = await self._repos.concerns.get(programme_id, concern_id)
            programme = await self._repos.programmes.get(programme_id)
            if concern.lead_id == actor.id == programme.safeguarding_lead:
                delivery = await self._ctx.notify(actor.id, Message(card=await self._card(concern, programme)),
                                                  key=f"concern.{concern_id}.kept.{actor.id}")
                if delivery is None:
                    continue
                await self._repos.concerns.change(programme_id, concern_id,
                                                  lambda c: replace(c, deliveries=c.deliveries + (DELIVERY.plain(delivery),)))
            sent.append(key)
        if sent:
            await self._repos.people.change(actor.id, lambda p: replace(
                p, kept_concerns=tuple(k for k in p.kept_concerns if k not in sent)))
        return len(sent)

    async def acknowledge(self, actor: Actor, programme_id: str, concern_id: str) -> tuple[Concern, dict[str, Any]]:
        programme = await self._repos.programmes.get(programme_id)
        await self._ctx.require_in(actor, programme, Action.ACT_ON_CONCERN)
        now = self._ctx.clock.now()
        concern = await self._repos.concerns.change(programme_id, concern_id, lambda c: c.acknowledged(actor.id, now))
        await self._ctx.audit(actor.id, AuditAction.CONCERN_ACTED, concern.reporter_id, programme_id, "acknowledged")
        await self._ctx.notify(concern.reporter_id, Message(
            text=f"The safeguarding lead has acknowledged the concern you raised on {format_uk(concern.raised_at)}."),
            key=f"concern.{concern.id}.acknowledged")
        return concern, await self._updated_everywhere(concern, programme)

    async def record_outcome(self, actor: Actor, programme_id: str, concern_id: str, outcome: str) -> tuple[Concern, dict[str, Any]]:
        programme = await self._repos.programmes.get(programme_id)
        await self._ctx.require_in(actor, programme, Action.ACT_ON_CONCERN)
        now = self._ctx.clock.now()
        concern = await self._repos.concerns.change(programme_id, concern_id, lambda c: c.closed(actor.id, outcome, now))
        await self._ctx.audit(actor.id, AuditAction.CONCERN_ACTED, concern.reporter_id, programme_id, "outcome recorded")
        await self._ctx.notify(concern.reporter_id, Message(
            text=f"The safeguarding lead has recorded an outcome for the concern you raised on {format_uk(concern.raised_at)}."),
            key=f"concern.{concern.id}.outcome")
        return concern, await self._updated_everywhere(concern, programme)

    async def _card(self, concern: Concern, programme: Programme) -> dict[str, Any]:
        reporter = await self._repos.people.find(concern.reporter_id)
        return concern_card(concern, programme.name, reporter.name if reporter else "")

    async def _send_to_lead(self, concern: Concern, programme: Programme, lead_id: str) -> Concern:
        sent = concern.sent_to(lead_id)
        # The text line carries no words: if the lead has no chat yet, only it is kept as a notice for them.
        delivery = await self._ctx.notify(lead_id, Message(
            text=f"A safeguarding concern for you, as the lead for {programme.name}.", card=await self._card(sent, programme)),
            key=f"concern.{concern.id}.to.{lead_id}")
        deliveries = (DELIVERY.plain(delivery),) if delivery else ()
        if delivery is None:  # no chat with Tandem yet: the card is kept and sent when they first open it
            key = f"{concern.programme_id}/{concern.id}"
            await self._repos.people.change(lead_id, lambda p: replace(p, kept_concerns=p.kept_concerns + (key,)))
        return await self._repos.concerns.change(
            concern.programme_id, concern.id, lambda c: replace(c.sent_to(lead_id), deliveries=c.deliveries + deliveries))

    async def _updated_everywhere(self, concern: Concern, programme: Programme) -> dict[str, Any]:
        card = await self._card(concern, programme)
        for delivery in concern.deliveries:
            try:
                await self._ctx.messenger.update(DELIVERY.load(delivery), card)
            except Unreachable:
                pass  # the lead's copy stays as it was; the answer to their button press shows the new state
        return card

