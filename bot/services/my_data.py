"""A person's own data: everything Tandem holds about them (export), and erasing it (delete my data).

What an export holds (and why not more): their person record without the internal routing data
(conversation references, service URLs); the programmes they manage; for each pairing, the programme,
their role, their partner's name, the contract (every version) and the sessions; their OWN reflections
(a partner's reflections are the partner's, shared or not); the alerts they raised, with their own
words; the alerts raised about their pairings by a rule (what the rule found, when, and what became of
it, but not a manager's notes, which are the manager's record and may be about others: a full subject
access request goes through the force's information-governance team); and the audit trail about them.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from bot.domain.alerts import Alert, AlertKind, Step
from bot.domain.audit import SYSTEM_ACTOR, AuditAction
from bot.domain.errors import InvalidState, NotFound
from bot.domain.people import Person
from bot.domain.programmes import CloseReason, PairStatus
from bot.services.context import Actor, Message, ServiceContext
from bot.services.pairs import PairService
from bot.storage.kinds import CONTRACT_VERSION, PAIR_DEBRIEF, PARTICIPANT, REFLECTION, SESSION, SURVEY_RESPONSE

log = logging.getLogger(__name__)

FORMER_PARTICIPANT = "a former participant"
EXPORT_FORMAT = "tandem.my-data/1"


@dataclass(frozen=True)
class ErasureReport:
    reflections: int
    pairings_ended: int
    sessions_cancelled: int
    alerts_anonymised: int
    managers_told: int

    @property
    def detail(self) -> str:
        return (f"reflections={self.reflections} pairings={self.pairings_ended} sessions={self.sessions_cancelled} "
                f"alerts={self.alerts_anonymised}")


class MyDataService:
    def __init__(self, ctx: ServiceContext, pairs: PairService):
        self._ctx = ctx
        self._pairs = pairs

    # Export ---------------------------------------------------------------------------------------
    async def export(self, actor: Actor, audited: bool = True, detail: str = "") -> dict[str, Any]:
        """Everything held about the actor, as plain JSON-ready data. Audited (DATA_EXPORTED) when it is
        handed over; building it to offer (to know its size) is not."""
        repos = self._ctx.repos
        now = self._ctx.clock.now()
        person = await repos.people.find(actor.id)
        if person is None:
            person = Person(actor.id, actor.tenant_id, actor.aad_object_id, actor.name)
        names: dict[str, str] = {person.id: "you", SYSTEM_ACTOR: "Tandem (automatic)"}
        pairings, alerts = [], []
        for membership in person.memberships:
            try:
                pair = await repos.pairs.get(membership.pair_id)
                programme = await repos.programmes.get(membership.programme_id)
            except NotFound:
                continue  # deleted at the end of its retention period
            partner_id = pair.member(membership.role.other)
            partner = await repos.people.find(partner_id)
            names[partner_id] = partner.name if partner and partner.name else FORMER_PARTICIPANT
            contract = await repos.pairs.contract_history(pair.id)
            schedule = await repos.pairs.schedule_history(pair.id)
            pairings.append({
                "programme": programme.name,
                "yourRole": membership.role.value,
                "partner": names[partner_id],
                "status": pair.status.value,
                "pairedOn": pair.created_at.isoformat(),
                "contract": [CONTRACT_VERSION.plain(v) for v in contract.versions],
                "sessions": [_session(SESSION.plain(s)) for s in sorted(schedule.sessions, key=lambda s: s.starts_at)],
                "yourSurveyAnswers": [
                    {"survey": r.wave.value, "answeredAt": r.answered_at.isoformat(),
                     "answers": SURVEY_RESPONSE.plain(r)["answers"]}
                    for r in await repos.surveys.responses_by(programme.id, person.id) if r.pair_id == pair.id],
                "yourClosingSummary": [PAIR_DEBRIEF.plain(d) for d in await repos.surveys.pair_debriefs(pair.id) if d.person_id == person.id],
            })
            for alert in await repos.alerts.in_programme(programme.id):
                if alert.pair_id == pair.id:
                    alerts.append((programme.name, alert))
        managed = []
        for programme_id in person.manages:
            try:
                programme = await repos.programmes.get(programme_id)
            except NotFound:
                continue
            managed.append({"programme": programme.name, "startsOn": programme.starts_on.isoformat(),
                            "endsOn": programme.ends_on.isoformat(),
                            "recordsKeptMonthsAfterEnd": programme.retention_months})
        reflections = [
            {k: v for k, v in REFLECTION.plain(r).items() if k not in ("id", "authorId", "pairId", "sessionId")}
            for r in await repos.reflections.by_author(person.id)
        ]
        taking_part = []
        for participant in await repos.participants.of_email(person.email) if person.email else ():
            try:
                programme = await repos.programmes.get(participant.programme_id)
            except NotFound:
                continue
            record = {k: v for k, v in PARTICIPANT.plain(participant).items() if k not in ("id", "programmeId", "personId")}
            taking_part.append({"programme": programme.name, **record})
        audit = []
        for entry in await repos.audit.about(person.id):
            if entry.actor_id not in names:
                actor_person = await repos.people.find(entry.actor_id)
                names[entry.actor_id] = actor_person.name if actor_person and actor_person.name else "another user"
            audit.append({"at": entry.at.isoformat(), "what": entry.action.value, "by": names[entry.actor_id],
                          "detail": entry.detail})
        if audited:
            await self._ctx.audit(actor.id, AuditAction.DATA_EXPORTED, actor.id, detail=detail)
        return {
            "format": EXPORT_FORMAT,
            "exportedAt": now.isoformat(),
            "about": "Everything Tandem holds about you. Your partner's reflections are theirs, so they are not here.",
            "person": _person(person),
            "programmesYouManage": managed,
            "programmesYouWereInvitedTo": taking_part,
            "pairings": pairings,
            "yourReflections": reflections,
            "alertsYouRaised": [_alert(name, a, own=True) for name, a in alerts if a.raised_by == person.id],
            "alertsAboutYourPairings": [_alert(name, a, own=False) for name, a in alerts if a.kind is AlertKind.DRIFT],
            "auditTrail": audit,
        }

    # Erasure --------------------------------------------------------------------------------------
    async def erase(self, actor: Actor, confirmed: bool) -> ErasureReport:
        """Erase the actor's reflections and personal details; end their pairings (future sessions
        cancelled, so no nudges follow); keep what partners and managers need, anonymised; tell each
        programme manager that an erasure happened (not what). Running it again changes nothing more."""
        if not confirmed:
            raise InvalidState("Erasing your data can't be undone, so I need you to confirm it first.")
        repos = self._ctx.repos
        now = self._ctx.clock.now()
        person = await repos.people.find(actor.id)
        former_name = person.name if person else actor.name
        reflections = await repos.records.delete_reflections(actor.id)
        ended = cancelled = anonymised = told = 0
        programmes: set[str] = set(person.manages) if person else set()
        for membership in person.memberships if person else ():
            try:
                pair = await repos.pairs.get(membership.pair_id)
            except NotFound:
                continue
            programmes.add(pair.programme_id)
            await repos.surveys.erase_person(pair.programme_id, pair.id, actor.id)
            if pair.status is PairStatus.ACTIVE:
                _, count = await self._pairs.end_pairing(pair, CloseReason.DATA_ERASED, leaving=membership.role)
                cancelled += count
                ended += 1
                programme = await repos.programmes.get(pair.programme_id)
                for manager_id in programme.managers:
                    if manager_id != actor.id:
                        await self._ctx.notify(manager_id, Message(
                            text=f"A participant in {programme.name} asked Tandem to erase their data, so one "
                                 "pairing has ended. It now shows as 'a former participant'. Nothing they wrote was kept."))
                        told += 1
        for participant in await repos.participants.of_email(person.email) if person and person.email else ():
            await repos.participants.remove(participant.programme_id, participant.email)  # invited, joined or left
        for programme_id in sorted(programmes):
            anonymised += await self._anonymise_alerts(programme_id, actor.id, former_name)
            await self._leave_management(programme_id, actor.id)
        await repos.people.change(actor.id, lambda p: _tombstone(p, actor, now))
        report = ErasureReport(reflections, ended, cancelled, anonymised, told)
        await self._ctx.audit(actor.id, AuditAction.DATA_ERASED, actor.id, detail=report.detail)
        log.info("erasure for %s: %s", actor.id, report.detail)
        return report

    async def _anonymise_alerts(self, programme_id: str, person_id: str, name: str) -> int:
        count = 0
        for alert in await self._ctx.repos.alerts.in_programme(programme_id):
            updated = _anonymised(alert, person_id, name)
            if updated != alert:
                await self._ctx.repos.alerts.change(programme_id, alert.id, lambda a: _anonymised(a, person_id, name))
                count += 1
        return count

    async def _leave_management(self, programme_id: str, person_id: str) -> None:
        try:
            programme = await self._ctx.repos.programmes.get(programme_id)
        except NotFound:
            return
        if programme.is_manager(person_id):
            await self._ctx.repos.programmes.change(
                programme_id, lambda p: replace(p, managers=tuple(m for m in p.managers if m != person_id)))


def _scrub(text: str, name: str, replacement: str = FORMER_PARTICIPANT) -> str:
    return text.replace(name, replacement) if name else text


def _anonymised(alert: Alert, person_id: str, name: str) -> Alert:
    """Their own words go; their name becomes 'a former participant'; what a manager needs stays."""
    reason = alert.reason
    if alert.raised_by == person_id:
        reason = f"{FORMER_PARTICIPANT} asked: {alert.kind.value.lower()}"
    else:
        reason = _scrub(reason, name)
    steps = tuple(replace(s, by_name="a former manager" if s.by_id == person_id else s.by_name, note=_scrub(s.note, name))
                  for s in alert.steps)
    return replace(alert, reason=reason, steps=steps)


def _tombstone(person: Person | None, actor: Actor, now: datetime) -> Person:
    """What stays of an erased person: the key that closed pairings point at, and nothing personal."""
    base = person or Person(actor.id, actor.tenant_id, actor.aad_object_id, "")
    return replace(base, name=FORMER_PARTICIPANT, teams_user_id="", email="", conversation=None, contact=None,
                   pending_notices=(), dropped_notices=0, nudges_paused_until=None, unanswered_nudges=0, last_nudged_at=None,
                   unreachable_since=base.unreachable_since or now, manages=(), erased_at=base.erased_at or now)


def _person(person: Person) -> dict[str, Any]:
    return {
        "name": person.name, "email": person.email, "tenantId": person.tenant_id,
        "entraObjectId": person.aad_object_id,
        "canMessageYou": person.conversation is not None or person.contact is not None,
        "remindersPausedUntil": person.nudges_paused_until.isoformat() if person.nudges_paused_until else None,
        "remindersUnanswered": person.unanswered_nudges,
        "lastRemindedAt": person.last_nudged_at.isoformat() if person.last_nudged_at else None,
        "unreachableSince": person.unreachable_since.isoformat() if person.unreachable_since else None,
        "noticesWaitingForYou": list(person.pending_notices),
    }


def _session(doc: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in doc.items() if k not in ("id", "replaces", "cards")}  # cards: where Teams delivered them


def _step(step: Step) -> dict[str, Any]:
    return {"what": step.action.value, "at": step.at.isoformat()}


def _alert(programme: str, alert: Alert, own: bool) -> dict[str, Any]:
    out = {"programme": programme, "kind": alert.kind.value, "raisedAt": alert.raised_at.isoformat(),
           "state": alert.state.value, "steps": [_step(s) for s in alert.steps]}
    out["yourWords" if own else "whatTheRuleFound"] = alert.reason
    return out
