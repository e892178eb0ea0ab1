"""Manager alerts: raising them (drift, help, no-fault close), acting on them, and programme status."""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from typing import Any, Callable

from bot.domain.alerts import CHANNEL_COPY, Alert, AlertAction, AlertKind, AlertState, request_note
from bot.domain.drift import Assessment, Health, assess
from bot.domain.due import DRIFT_CHECK, DueItem
from bot.domain.audit import AuditAction
from bot.domain.errors import AlreadyDone, NotAllowed, NotFound
from bot.domain.limits import MAX_DISPLAY_NAME
from bot.domain.rate_limits import Counter, Raised
from bot.domain.policy import Action, PersonalChatOnly
from bot.domain.programmes import CloseReason, Pair, Programme
from bot.domain.text import clean, person_name, plain
from bot.domain.uktime import uk_today
from bot.services.authority import PERSONAL_CHAT, Place, PlaceKind
from bot.domain.outbox import Keep, Outgoing
from bot.storage.documents import StorageError
from bot.services.context import DELIVERY, Actor, ServiceContext, Unreachable
from bot.services.pairs import PairService
from bot.services.report import SummaryWriter
from cards.alerts import alert_card, channel_alert_card, status_card

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class _Request:
    """What a pair member can ask their managers for: the policy step, the counter, the alert it raises."""

    action: Action
    counted: Raised
    kind: AlertKind
    asks: str
    over_limit: str


_HELP = _Request(Action.ASK_FOR_HELP, Raised.HELP, AlertKind.HELP, "would like a word",
                 "You've asked for help several times today, so I haven't sent this one. Your programme manager "
                 "has your earlier requests; if it's urgent, contact them directly.")
_CLOSE = _Request(Action.NO_FAULT_CLOSE, Raised.CLOSE, AlertKind.CLOSE, "asks for a no-fault close",
                  "You've asked for a no-fault close several times today, so I haven't sent this one. Your programme "
                  "manager has your request; contact them directly if it's urgent.")


class AlertService:
    def __init__(self, ctx: ServiceContext, pairs: PairService, summaries: SummaryWriter | None = None):
        self._ctx = ctx
        self._pairs = pairs
        self._summaries = summaries or SummaryWriter(ctx)

    # Raising ------------------------------------------------------------------------------------
    async def raise_alert(self, pair: Pair, kind: AlertKind, reason: str, occurrence: str,
                          refresh_summary: bool = True, raised_by: str = "") -> tuple[Alert, bool]:
        """Raise an alert once per occurrence and send it to every manager (and the programme channel).
        Managers' personal copies carry the detail; the channel copy carries no names and no words, as the
        partner may be in the channel. Returns the alert and whether it is new."""
        alert = Alert(f"{kind.name.lower()}.{pair.id}.{occurrence}", pair.programme_id, pair.id, kind, reason, self._ctx.clock.now(),
                      raised_by=raised_by)
        ref = self._ctx.repos.alerts.ref(alert)
        existing = await self._ctx.repos.alerts.find(pair.programme_id, alert.id)
        if existing is not None:
            await self._ctx.relay_now(ref)  # raised before, perhaps cut short by a fault: anything left goes now
            return existing, False
        programme = await self._ctx.repos.programmes.get(pair.programme_id)
        card = await self._card(alert, programme)
        key, keep = f"alert.{alert.id}.raised", Keep.alert(alert.programme_id, alert.id)
        # Each manager's copy, and the channel's, are written with the alert itself, then relayed. Each
        # copy's delivery is kept on the alert whenever it is made (now, or by the sweep after a failed
        # first try), so every copy can be updated in place when a manager acts.
        told = [Outgoing(manager_id, key, f"Alert: {card['body'][0]['text']}.", card, keep=keep) for manager_id in programme.managers]
        if programme.channel:
            public = channel_alert_card(alert, programme.name)
            told.append(Outgoing(f"channel:{programme.id}", f"{key}.channel", public["body"][0]["text"], public,
                                 conversation=programme.channel, keep=keep))
        backstop = await self._ctx.before_change(ref)
        if not await self._ctx.repos.alerts.add(alert, told):
            await self._ctx.relay_now(ref, backstop=backstop)
            return await self._ctx.repos.alerts.find(pair.programme_id, alert.id) or alert, False
        sent = await self._ctx.relay_now(ref, backstop=backstop)
        for message in told:  # the alert as kept: with the copies delivered now
            if (delivery := sent.get(message.address)) is not None:
                alert = alert.keep_delivery(DELIVERY.plain(delivery), channel=message.conversation is not None)
        if refresh_summary:
            await self._summaries.refresh_alerts(pair.programme_id, pair.id)
        return alert, True

    async def request_help(self, actor: Actor, pair_id: str, note: str) -> Alert:
        return await self._request(actor, pair_id, note, _HELP)

    async def request_close(self, actor: Actor, pair_id: str, note: str) -> Alert:
        return await self._request(actor, pair_id, note, _CLOSE)

    async def _request(self, actor: Actor, pair_id: str, note: str, request: "_Request") -> Alert:
        """A pair member asks their managers for something: checked, counted against the day's limit, raised."""
        note = request_note(note)
        view = await self._pairs.view(actor, pair_id, request.action)
        await self._count(actor, request.counted, request.over_limit)
        what = f"{clean(view.me.name, MAX_DISPLAY_NAME)} ({view.role.value}) {request.asks}" + (f": \"{note}\"" if note else "")
        alert, _ = await self.raise_alert(view.pair, request.kind, what, self._ctx.make_id(), raised_by=actor.id)
        return alert

    async def _count(self, actor: Actor, kind: Raised, over_limit: str) -> None:
        """Count one more on the person's own document, or refuse (TooMany) when over the day's limit."""
        now = self._ctx.clock.now()
        await self._ctx.repos.people.change(actor.id, lambda p: replace(
            p, raised={**p.raised, kind.value: Counter(p.raised.get(kind.value, ())).counted(kind, now, over_limit).times}))

    # Acting -------------------------------------------------------------------------------------
    async def act(self, actor: Actor, programme_id: str, alert_id: str, action: AlertAction, note: str = "",
                  place: Place = PERSONAL_CHAT) -> tuple[Alert, dict[str, Any]]:
        """A manager acts; every copy of the card is updated to show who did what, and when. Returns the
        card for where they pressed the button: the detailed one in a personal chat, else the channel one."""
        programme = await self._ctx.repos.programmes.get(programme_id)
        await self._ctx.require_in(actor, programme, Action.ACT_ON_ALERT)
        now = self._ctx.clock.now()
        if action is AlertAction.APPROVE_CLOSE:
            await self._approve_close(actor, programme, alert_id, now)
        refresh = action in (AlertAction.RESOLVE, AlertAction.APPROVE_CLOSE)
        ref = self._ctx.repos.alerts.ref_of(programme_id, alert_id)
        tell = await self._message_to_pair(actor, programme_id, alert_id, note) if action is AlertAction.MESSAGE else None
        try:
            # A message to the pair is written with the step that records it, then relayed (see change_and_tell).
            alert, _ = await self._ctx.change_and_tell(ref, lambda: self._ctx.repos.alerts.change(
                programme_id, alert_id, lambda a: a.act(action, actor.id, actor.name, now, note), tell))
        except AlreadyDone:
            # Done before, perhaps with what follows lost to a fault: bring the summary and every copy up to date.
            await self._ctx.relay_now(ref)
            done = await self._ctx.repos.alerts.find(programme_id, alert_id)
            if done is not None:
                if refresh:
                    await self._summaries.refresh_alerts(programme_id, done.pair_id)
                await self._update_copies(done, programme)
            raise
        await self._ctx.follow_up(
            f"The alert is {action.value}, but I couldn't finish updating it everywhere. Press the same button again in a minute to finish.",
            lambda: self._ctx.audit(actor.id, AuditAction.ALERT_ACTED, alert.pair_id, programme_id, action.name.lower()),
            *([lambda: self._summaries.refresh_alerts(programme_id, alert.pair_id)] if refresh else []))
        card, public = await self._update_copies(alert, programme)
        return alert, card if place.personal else public

    async def _message_to_pair(self, actor: Actor, programme_id: str, alert_id: str, note: str) -> Callable[[Alert], list[Outgoing]]:
        """The manager's message to both members of the alert's pair, one per member, named by the step."""
        alert = await self._ctx.repos.alerts.find(programme_id, alert_id)
        if alert is None:
            raise NotFound("I can't find that alert.")
        pair = await self._ctx.repos.pairs.get(alert.pair_id)
        text = (f"A message from {person_name(actor.name, 'your programme manager')}, your programme manager: "
                f"{plain(note.strip(), multiline=True)}")
        key = f"alert.{alert_id}.message.{self._ctx.make_id()}"  # one per press; a press again is refused by the alert
        return lambda _: [Outgoing(member, key, text) for member in (pair.mentor_id, pair.mentee_id)]

    async def _update_copies(self, alert: Alert, programme: Programme) -> tuple[dict[str, Any], dict[str, Any]]:
        """Every copy of the alert's card shows where it stands now (the same update twice changes nothing)."""
        card = await self._card(alert, programme)
        public = channel_alert_card(alert, programme.name)
        for delivery in alert.deliveries:  # through the outbox: retried, then set aside, like any message
            copy, shown = DELIVERY.load(delivery), public if delivery.get(CHANNEL_COPY) else card
            try:
                await self._ctx.update_card(copy, shown, key=f"alert.{alert.id}.step{len(alert.steps)}")
            except StorageError:  # the outbox can't record it: try it once directly (the step is recorded)
                log.warning("alert %s: a card copy's update could not be recorded; trying it once now", alert.id)
                try:
                    await self._ctx.messenger.update(copy, shown)
                except Unreachable:
                    log.info("an alert card copy could not be updated")
        return card, public

    async def _approve_close(self, actor: Actor, programme: Programme, alert_id: str, now) -> None:
        """A manager approves a no-fault close from its alert card: the pair ends (PairService.close)
        before the alert is marked, so a failure part-way leaves the button there to press again."""
        await self._ctx.require_in(actor, programme, Action.CLOSE_PAIR)
        alert = await self._ctx.repos.alerts.find(programme.id, alert_id)
        if alert is None:
            raise NotFound("I can't find that alert.")
        alert.act(AlertAction.APPROVE_CLOSE, actor.id, actor.name, now)  # refuses a resolved or other alert
        pair = await self._ctx.repos.pairs.get(alert.pair_id)
        if pair.active:
            await self._pairs.close(actor, pair.id, CloseReason.NO_FAULT)

    async def _card(self, alert: Alert, programme: Programme) -> dict[str, Any]:
        pair = await self._ctx.repos.pairs.get(alert.pair_id)
        mentor = await self._ctx.repos.people.get(pair.mentor_id)
        mentee = await self._ctx.repos.people.get(pair.mentee_id)
        return alert_card(alert, programme.name, mentor.name or "the mentor", mentee.name or "the mentee")

    # Seeing -------------------------------------------------------------------------------------
    async def status(self, actor: Actor, programme_id: str, place: Place = PERSONAL_CHAT) -> dict[str, Any]:
        """Every pair as on track, at risk or drifting, with the reason: whether pairs meet, never what they said.
        Shown only in the manager's personal chat or the programme's own alert channel."""
        programme = await self._ctx.repos.programmes.get(programme_id)
        await self._ctx.require_in(actor, programme, Action.VIEW_STATUS)
        if not place.personal and not _is_alert_channel(programme, place):
            raise PersonalChatOnly(f"The status of {plain(programme.name)} names people, so I only show it in our personal chat "
                             "or in the programme's alert channel.")
        now = self._ctx.clock.now()
        rows: list[tuple[str, str, Assessment]] = []
        closing = {a.pair_id for a in await self._ctx.repos.alerts.in_programme(programme_id)
                   if a.kind is AlertKind.CLOSE and a.state is not AlertState.RESOLVED}
        for pair_id in await self._ctx.repos.programmes.roster(programme_id):
            pair = await self._ctx.repos.pairs.get(pair_id)
            if pair.status.value != "active":
                continue
            assessment = assess(pair, await self._ctx.repos.pairs.contract(pair_id), await self._ctx.repos.pairs.schedule(pair_id), now,
                                closing=pair_id in closing)
            mentor = await self._ctx.repos.people.get(pair.mentor_id)
            mentee = await self._ctx.repos.people.get(pair.mentee_id)
            rows.append((mentor.name, mentee.name, assessment))
        await self._ctx.audit(actor.id, AuditAction.STATUS_VIEWED, programme.id, programme.id)
        return status_card(programme.name, rows)

    async def use_channel(self, actor: Actor, programme_id: str, conversation: dict[str, Any], place: Place) -> Programme:
        """Alert cards (without names or words) also go to this channel: a channel of a team linked to the programme."""
        programme = await self._ctx.repos.programmes.get(programme_id)
        await self._ctx.require_in(actor, programme, Action.SET_ALERT_CHANNEL)
        if place.kind is not PlaceKind.CHANNEL:
            raise NotAllowed("Alerts can only go to a channel: say **alerts here** in a channel of a team linked to the programme.")
        if place.team_id not in programme.teams:
            raise NotAllowed(f"This team isn't linked to {programme.name}. A manager links it first by saying "
                             f"**link team in {programme.name}** in one of its channels.")
        updated = await self._ctx.repos.programmes.change(programme_id, lambda p: replace(p, channel=conversation))
        await self._ctx.audit(actor.id, AuditAction.ALERT_CHANNEL_SET, programme.id, programme.id)
        return updated



def _is_alert_channel(programme: Programme, place: Place) -> bool:
    """The same channel, whichever thread in it ("19:...@thread.tacv2;messageid=..." is a reply thread)."""
    channel = str(((programme.channel or {}).get("conversation") or {}).get("id") or "")
    return (place.kind is PlaceKind.CHANNEL and bool(place.conversation_id)
            and channel.split(";")[0] == place.conversation_id.split(";")[0])


class DriftWatch:
    """Checks a pair against its own contract when something changes and again when it next could;
    raises one manager alert per drifting occurrence."""

    def __init__(self, ctx: ServiceContext, alerts: AlertService, summaries: SummaryWriter | None = None):
        self._ctx = ctx
        self._alerts = alerts
        self._summaries = summaries or SummaryWriter(ctx)

    async def check(self, pair_id: str) -> Assessment:
        """Also rewrites the pair's report summary, so the programme report reads aggregates only."""
        repos = self._ctx.repos
        pair = await repos.pairs.get(pair_id)
        if pair.status.value != "active":
            await self._summaries.refresh(pair)
            return Assessment(Health.ON_TRACK, (), None)
        unanswered, unreachable = [], []
        for member_id in (pair.mentor_id, pair.mentee_id):
            person = await repos.people.get(member_id)
            name = clean(person.name, MAX_DISPLAY_NAME) or "One of them"
            if person.unanswered_nudges and person.last_nudged_at:
                unanswered.append((name, person.unanswered_nudges, uk_today(person.last_nudged_at)))
            if person.unreachable_since:
                unreachable.append((name, uk_today(person.unreachable_since)))
        contract, schedule = await repos.pairs.contract(pair_id), await repos.pairs.schedule(pair_id)
        assessment = assess(pair, contract, schedule, self._ctx.clock.now(), tuple(unanswered), tuple(unreachable))
        for finding in assessment.findings:
            if finding.health is Health.DRIFTING:
                await self._alerts.raise_alert(pair, AlertKind.DRIFT, finding.reason, f"{finding.rule.value}.{finding.since.isoformat()}",
                                               refresh_summary=False)
        await self._summaries.refresh(pair, assessment)
        if assessment.next_check is not None:
            await repos.due.schedule(DueItem(DRIFT_CHECK, assessment.next_check, pair_id, ""))
        return assessment
