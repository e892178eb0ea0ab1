"""Programmes and the pairs matched within them."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from enum import Enum
from typing import Any

from bot.domain.errors import AlreadyDone, InvalidInput, InvalidState, NotAllowed
from bot.domain.limits import MAX_PROGRAMME_NAME, too_long
from bot.domain.people import Role
from bot.domain.uktime import add_months
from bot.domain.text import plain

DEFAULT_PROGRAMME_MONTHS = 6


@dataclass(frozen=True)
class Programme:
    id: str
    tenant_id: str
    name: str
    managers: tuple[str, ...]
    starts_on: date
    ends_on: date
    created_at: datetime
    channel: dict[str, Any] | None = None  # where alert cards go besides managers' personal chats
    retention_months: int = 12  # records are deleted this long after the programme ends (bot/domain/retention.py)
    safeguarding_lead: str = ""  # the person id of the one person who receives concerns
    teams: tuple[str, ...] = ()  # Teams team ids linked to the programme: its alert channel is in one of them
    kind: str = "traditional"  # bot.domain.matching.ProgrammeKind's value: traditional, reverse, cross-sector, peer, group
    matching: str = "suggested"  # bot.domain.matching.Method's value, or "by hand"
    focus_areas: tuple[str, ...] = ()
    organisations: tuple[str, ...] = ()
    cadence: str = "monthly"  # the default for contracts: bot.domain.contracts.Cadence's value
    survey_dropped: tuple[str, ...] = ()  # default survey questions the managers chose not to ask
    other_tenants: tuple[str, ...] = ()  # Entra tenants besides its own whose people may take part (a partner company)
    guests: bool = False  # whether guest accounts in its tenants may take part

    def is_manager(self, person_id: str) -> bool:
        return person_id in self.managers

    def with_manager(self, person_id: str) -> "Programme":
        if person_id in self.managers:
            raise AlreadyDone("They already manage this programme.")
        return replace(self, managers=self.managers + (person_id,))

    def without_manager(self, person_id: str) -> "Programme":
        if person_id not in self.managers:
            raise InvalidInput("They don't manage this programme.")
        if len(self.managers) == 1:
            raise InvalidState("A programme always has at least one manager: appoint another before removing this one.")
        return replace(self, managers=tuple(m for m in self.managers if m != person_id))

    def with_team(self, team_id: str) -> "Programme":
        if team_id in self.teams:
            raise AlreadyDone("This team is already linked to the programme.")
        return replace(self, teams=self.teams + (team_id,))

    def require_manager(self, person_id: str) -> None:
        if not self.is_manager(person_id):
            raise NotAllowed(f"Only the managers of {plain(self.name)} can do that.")


def new_programme(
    programme_id: str, tenant_id: str, name: str, manager_id: str, today: date, now: datetime,
    ends_on: date | None = None, retention_months: int = 12,
) -> Programme:
    cleaned = " ".join((name or "").split())
    if not cleaned:
        raise InvalidInput("A programme needs a name, for example: new programme Reverse mentoring pilot")
    if len(cleaned) > MAX_PROGRAMME_NAME:
        raise InvalidInput(too_long("the programme name", MAX_PROGRAMME_NAME, len(cleaned)))
    end = ends_on or add_months(today, DEFAULT_PROGRAMME_MONTHS)
    if end <= today:
        raise InvalidInput("The programme's end date must be after today.")
    return Programme(programme_id, tenant_id, cleaned, (manager_id,), today, end, now, retention_months=retention_months)


class PairStatus(str, Enum):
    ACTIVE = "active"
    CLOSED = "closed"


class CloseReason(str, Enum):
    """Why a pairing ended: it decides what the two are told, never who is to blame."""

    NO_FAULT = "no-fault"  # asked for by a member, approved by a manager
    LEFT_PROGRAMME = "left-programme"  # a member left the programme
    DATA_ERASED = "data-erased"  # a member asked Tandem to erase their data
    PROGRAMME_ENDED = "programme-ended"
    DECLINED = "declined"  # one of the two said "not for me" within DECLINE_WITHIN of being matched


DECLINE_WITHIN = timedelta(days=5)  # how long after being matched either partner may decline the match


def allows_several(programme: "Programme", role: Role) -> bool:
    """Whether someone in this role may be in more than one active pairing in this programme: only a
    group programme's mentors (one mentor, several mentees), each up to their capacity. A mentee is
    always in one active pairing per programme, and so is everyone in the other kinds."""
    return programme.kind == "group" and role is Role.MENTOR


@dataclass(frozen=True)
class Pair:
    id: str
    programme_id: str
    tenant_id: str
    mentor_id: str
    mentee_id: str
    status: PairStatus
    created_at: datetime
    created_by: str
    closed_at: datetime | None = None
    closed_reason: CloseReason | None = None

    @property
    def active(self) -> bool:
        return self.status is PairStatus.ACTIVE

    def role_of(self, person_id: str) -> Role:
        """The actor's role in this pair; anyone else is refused."""
        if person_id == self.mentor_id:
            return Role.MENTOR
        if person_id == self.mentee_id:
            return Role.MENTEE
        raise NotAllowed("Only the two people in this pairing can do that.")

    def member(self, role: Role) -> str:
        return self.mentor_id if role is Role.MENTOR else self.mentee_id

    def partner_of(self, person_id: str) -> str:
        return self.member(self.role_of(person_id).other)

    def require_active(self) -> None:
        if self.status is not PairStatus.ACTIVE:
            raise NotAllowed("This pairing has been closed.")

    def closed(self, reason: CloseReason | None = None, now: datetime | None = None) -> "Pair":
        if self.status is PairStatus.CLOSED:
            return self
        return replace(self, status=PairStatus.CLOSED, closed_reason=reason, closed_at=now)


def new_pair(
    pair_id: str, programme: Programme, mentor_id: str, mentee_id: str, actor_id: str, now: datetime
) -> Pair:
    programme.require_manager(actor_id)
    if mentor_id == mentee_id:
        raise InvalidInput("A mentor and a mentee must be two different people.")
    return Pair(pair_id, programme.id, programme.tenant_id, mentor_id, mentee_id, PairStatus.ACTIVE, now, actor_id)


KINDS = ("traditional", "reverse", "cross-sector", "peer", "group")
MATCHING = ("suggested", "stable", "by hand")
CADENCES = ("fortnightly", "monthly", "every six weeks")
MAX_LIST_ITEMS, MAX_ITEM = 10, 50


def with_settings(programme: Programme, kind: str, matching: str, focus_areas: str, organisations: str,
                  cadence: str, other_tenants: str | None = None, guests: bool | None = None) -> Programme:
    """What a manager set on the programme's settings card, checked: lists are `;`-separated. The tenant
    allow-list and guests are kept as they were when not given."""
    def items(label: str, text: str) -> tuple[str, ...]:
        found = tuple(dict.fromkeys(" ".join(part.split()) for part in (text or "").split(";") if part.strip()))
        if len(found) > MAX_LIST_ITEMS or any(len(item) > MAX_ITEM for item in found):
            raise InvalidInput(f"Please give at most {MAX_LIST_ITEMS} {label}, each {MAX_ITEM} characters or fewer.")
        return found

    for value, allowed, label in ((kind, KINDS, "kind"), (matching, MATCHING, "way of matching"), (cadence, CADENCES, "cadence")):
        if value not in allowed:
            raise InvalidInput(f"Please choose the programme's {label} from the list.")
    organisations_found = items("organisations", organisations)
    if kind == "cross-sector" and len(organisations_found) < 2:
        raise InvalidInput("A cross-sector programme needs two or more organisations, with a semicolon (;) between them.")
    tenants = programme.other_tenants if other_tenants is None else tenant_list(other_tenants, programme.tenant_id)
    return replace(programme, kind=kind, matching=matching, focus_areas=items("focus areas", focus_areas),
                   organisations=organisations_found, cadence=cadence, other_tenants=tenants,
                   guests=programme.guests if guests is None else guests)


def tenant_list(text: str, own_tenant: str) -> tuple[str, ...]:
    """Other organisations' Entra tenant ids (GUIDs), `;`- or `,`-separated; the programme's own is implied."""
    found = []
    for part in (text or "").replace(",", ";").split(";"):
        word = part.strip().lower()
        if not word or word == own_tenant.lower():
            continue
        try:
            tenant = str(uuid.UUID(word))
        except ValueError:
            raise InvalidInput(f"“{plain(word[:40])}” isn't a tenant id. A tenant id looks like "
                               "72f988bf-86f1-41af-91ab-2d7cd011db47 (Microsoft Entra admin centre, Overview).") from None
        if tenant != own_tenant.lower() and tenant not in found:
            found.append(tenant)
    if len(found) > MAX_LIST_ITEMS:
        raise InvalidInput(f"Please give at most {MAX_LIST_ITEMS} other tenants.")
    return tuple(found)


def may_take_part(programme: Programme, tenant_id: str, guest: bool) -> bool:
    """Its own tenant always; another only on the programme's allow-list; a guest account only if guests are allowed."""
    allowed = tenant_id == programme.tenant_id or tenant_id.lower() in programme.other_tenants
    return allowed and (programme.guests or not guest)


def require_may_take_part(programme: Programme, tenant_id: str, guest: bool, who: str = "") -> None:
    """Refuse, kindly and without enrolling anyone, someone the programme's allow-list does not include.
    `who`: the person's name when a manager is told; empty when it is the person themself."""
    if may_take_part(programme, tenant_id, guest):
        return
    where = " and ".join(plain(o) for o in programme.organisations) or "its own organisation"
    guests = "" if programme.guests else ", and not with guest accounts"
    opening = f"{who} can't take part. " if who else "Sorry, you can't join. "
    raise NotAllowed(f"{opening}{plain(programme.name)} takes part only from {where}{guests}. "
                     + ("A manager can allow other organisations on the **programme settings** card." if who else
                        "If you think that's wrong, ask the programme's manager."))
