"""Who the actor is to what they act on (their roles), and the policy check every service entry point makes."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Iterable, Protocol

from bot.domain.policy import AccessRole
from bot.domain.programmes import Pair, Programme


class AdminDirectory(Protocol):
    """Says whether someone is a Tandem administrator. The settings list implements it now; an Entra
    group lookup through Microsoft Graph (TANDEM_ADMIN_GROUP) is another implementation, combined
    with the list by AnyAdminDirectory (bot/graph owns it)."""

    async def is_admin(self, object_id: str, upn: str) -> bool:
        """`object_id` is the Entra object id from the activity; `upn` the UPN or email if Tandem knows it."""


class ListedAdmins:
    """TANDEM_ADMINS: Entra object ids or UPNs/emails, compared without regard to case."""

    def __init__(self, entries: Iterable[str]):
        self._entries = frozenset(e.strip().lower() for e in entries if e.strip())

    async def is_admin(self, object_id: str, upn: str) -> bool:
        return bool(object_id) and object_id.lower() in self._entries or bool(upn) and upn.lower() in self._entries


class AnyAdminDirectory:
    """An administrator in any of the directories (the list, and the Entra group once Graph is configured)."""

    def __init__(self, *directories: AdminDirectory):
        self._directories = directories

    async def is_admin(self, object_id: str, upn: str) -> bool:
        for directory in self._directories:
            if await directory.is_admin(object_id, upn):
                return True
        return False


NO_ADMINS = ListedAdmins(())


class PlaceKind(str, Enum):
    PERSONAL = "personal"
    GROUP_CHAT = "groupChat"
    CHANNEL = "channel"


@dataclass(frozen=True)
class Place:
    """Where a step was asked for, from the activity: the kind of conversation, its id, and the team it is in."""

    kind: PlaceKind
    conversation_id: str = ""
    team_id: str = ""

    @property
    def personal(self) -> bool:
        return self.kind is PlaceKind.PERSONAL


PERSONAL_CHAT = Place(PlaceKind.PERSONAL)


def pair_roles(actor_id: str, pair: Pair) -> frozenset[AccessRole]:
    return frozenset({AccessRole.PAIR_MEMBER}) if actor_id in (pair.mentor_id, pair.mentee_id) else frozenset()


def programme_roles(actor_id: str, programme: Programme, admin: bool) -> frozenset[AccessRole]:
    roles = set()
    if programme.is_manager(actor_id):
        roles.add(AccessRole.MANAGER)
    if programme.safeguarding_lead and programme.safeguarding_lead == actor_id:
        roles.add(AccessRole.SAFEGUARDING_LEAD)
    if admin:
        roles.add(AccessRole.ADMINISTRATOR)
    return frozenset(roles)

