"""Safeguarding: naming a programme's lead, and concerns that reach that lead and nobody else."""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import Any

from bot.domain.audit import AuditAction
from bot.domain.concerns import Concern, ConcernState, new_concern, raised_again
from bot.domain.errors import NotAllowed
from bot.domain.outbox import Outgoing
from bot.domain.rate_limits import Counter, Raised
from bot.domain.policy import Action, require
from bot.domain.programmes import Programme
from bot.domain.uktime import format_uk
from bot.services.context import DELIVERY, Actor, Delivery, Message, ServiceContext, Unreachable
from bot.services.pairs import PairService, known_person
from bot.storage.documents import StorageError
from cards.safeguarding import concern_card

log = logging.getLogger(__name__)

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
            await self._keep_for_lead(await self._send_to_lead(concern, updated, person.id))
        return updated

    async def raise_concern(self, actor: Actor, pair_id: str, words: str) -> tuple[Concern, str]:
        """A participant raises a concern: only the lead is sent it. Returns it and what to tell the reporter.

        The concern and the messages it causes (the card to the lead; with no lead, a note to each manager
        that says nothing of it) are one write, so once it is stored it is sure to be sent. The same words
        raised again soon after (say, after "busy, try again") are the same concern: what was left of it is
        finished and the reporter told as the first time, without counting it again or storing it twice."""
        view = await self._pairs.view(actor, pair_id, Action.RAISE_CONCERN)
        programme = view.programme
        lead = await self._repos.people.find(programme.safeguarding_lead) if programme.safeguarding_lead else None
        now = self._ctx.clock.now()
        concern = new_concern(self._ctx.make_id(), programme.id, actor.id, words, now)  # too long: refused before anything
        earlier = raised_again(await self._repos.concerns.raised_by(programme.id, actor.id), concern)
        if earlier is not None and earlier.state is ConcernState.WAITING_FOR_LEAD and lead is not None:
            concern = await self._send_to_lead(earlier, programme, lead.id)  # a lead was named since it was kept
        elif earlier is not None:
            concern = await self._finish(earlier, await self._ctx.relay_now(self._repos.concerns.ref(earlier)))
        else:
            over = (f"You've raised several concerns today, so I haven't sent this one. Please contact "
                    f"{lead.name if lead and lead.name else 'your programme safeguarding lead'} directly. {DANGER}")
            await self._repos.people.change(actor.id, lambda p: replace(
                p, raised={**p.raised, Raised.CONCERN.value: Counter(p.raised.get(Raised.CONCERN.value, ())).counted(Raised.CONCERN, now, over).times}))
            if lead is not None:
                concern = concern.sent_to(lead.id)
            ref = self._repos.concerns.ref(concern)
            told = await self._messages(concern, programme)
            await self._ctx.before_change(ref)  # refused: nothing is stored yet, and the reporter is told so
            await self._repos.concerns.add(concern, told)
            concern = await self._finish(concern, await self._ctx.relay_now(ref))
        # What follows the stored concern can't make it "busy": the same words again finish it (idempotent).
        await self._ctx.follow_up(
            "Your concern is saved for the safeguarding lead, and only they will see it, but I couldn't finish "
            f"every step: please raise it again now, with the same words, to finish (it won't be sent twice). {DANGER}",
            lambda: self._keep_for_lead(concern),
            lambda: self._ctx.audit(actor.id, AuditAction.CONCERN_RAISED, actor.id, programme.id,
                                    once=f"concern.{concern.id}", at=concern.raised_at))
        if concern.lead_id:
            name = lead.name if lead is not None and lead.id == concern.lead_id and lead.name else "the safeguarding lead"
            return concern, (f"I've sent your concern to {name}, the safeguarding lead for "
                             f"{programme.name}. Only they will see it: not your partner, not your line manager and not the "
                             f"programme's managers. {DANGER}")
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

    @staticmethod
    def _to_lead_key(concern: Concern) -> str:
        return f"concern.{concern.id}.to.{concern.lead_id}"

    async def _messages(self, concern: Concern, programme: Programme) -> list[Outgoing]:
        """What a concern causes: sent to a lead, their card (only they see the words); kept for a lead not
        yet named, a note to each manager asking for one, with nothing of the concern or who raised it."""
        if concern.lead_id:
            # The text line carries no words: if the lead has no chat yet, only it is kept as a notice for them.
            return [Outgoing(concern.lead_id, self._to_lead_key(concern),
                             f"A safeguarding concern for you, as the lead for {programme.name}.", await self._card(concern, programme))]
        return [Outgoing(manager_id, f"concern.{concern.id}.no-lead.{manager_id}",
                         f"{programme.name} has no safeguarding lead, and a concern is waiting for one. Please name a lead "
                         "now: safeguarding lead @person. I haven't told you anything about the concern, and won't.")
                for manager_id in programme.managers]

    async def _send_to_lead(self, concern: Concern, programme: Programme, lead_id: str) -> Concern:
        """A kept concern goes to the lead named: marked sent with their card in the same write, then relayed."""
        told = await self._messages(concern.sent_to(lead_id), programme)
        sent, deliveries = await self._ctx.change_and_tell(self._repos.concerns.ref(concern), lambda: self._repos.concerns.change(
            concern.programme_id, concern.id, lambda c: c.sent_to(lead_id), lambda _: told))
        return await self._finish(sent, deliveries)

    async def _finish(self, concern: Concern, deliveries: dict[tuple[str, str], Delivery | None]) -> Concern:
        """After the relay: where the lead's card went, kept on the concern so it can be updated in place when
        they act. Best-effort: the concern and its card are sent whatever happens here (if it is lost, the
        lead's copy stays as sent, and the answer to their button press shows the new state)."""
        delivery = deliveries.get((concern.lead_id, self._to_lead_key(concern))) if concern.lead_id else None
        if delivery is None:
            return concern
        try:
            return await self._repos.concerns.change(concern.programme_id, concern.id, lambda c: replace(
                c, deliveries=c.deliveries + (DELIVERY.plain(delivery),)))
        except StorageError as error:
            log.warning("concern %s sent to its lead, but where its card went is not kept (%s)", concern.id, type(error).__name__)
            return concern

    async def _keep_for_lead(self, concern: Concern) -> None:
        """A lead Tandem can't reach (no chat with it yet) has the card kept, sent when they first open Tandem.
        Kept once, however often this runs (a concern raised again, a lead named again)."""
        lead = await self._repos.people.find(concern.lead_id) if concern.lead_id else None
        key = f"{concern.programme_id}/{concern.id}"
        if lead is None or lead.reachable or key in lead.kept_concerns:
            return
        await self._repos.people.change(lead.id, lambda p: p if key in p.kept_concerns else replace(
            p, kept_concerns=p.kept_concerns + (key,)))

    async def _updated_everywhere(self, concern: Concern, programme: Programme) -> dict[str, Any]:
        card = await self._card(concern, programme)
        for delivery in concern.deliveries:
            try:
                await self._ctx.messenger.update(DELIVERY.load(delivery), card)
            except Unreachable:
                pass  # the lead's copy stays as it was; the answer to their button press shows the new state
        return card

