"""Administrators by Entra group (TANDEM_ADMIN_GROUP): Graph's checkMemberGroups, with application
permission GroupMember.Read.All. Answers are cached a few minutes, so a turn rarely waits on Graph."""

from __future__ import annotations

import logging
import time
from typing import Callable

from bot.graph.client import GraphClient
from bot.services.calendar import CalendarError, CalendarNotPermitted

log = logging.getLogger(__name__)

CACHE_SECONDS = 300.0


class GraphAdminGroup:
    """An AdminDirectory: members of one Entra group are Tandem administrators. If Graph refuses (no
    consent) or is down, nobody is an administrator through the group (the TANDEM_ADMINS list still
    counts), and a refusal is logged once."""

    def __init__(self, client: GraphClient, group_id: str, *, cache_seconds: float = CACHE_SECONDS,
                 clock: Callable[[], float] = time.monotonic):
        self._client = client
        self._group = group_id
        self._cache_seconds = cache_seconds
        self._clock = clock
        self._known: dict[str, tuple[bool, float]] = {}
        self._said_not_permitted = False

    async def is_admin(self, object_id: str, upn: str) -> bool:
        if not object_id:
            return False
        key = object_id.lower()
        cached = self._known.get(key)
        if cached and self._clock() - cached[1] < self._cache_seconds:
            return cached[0]
        try:
            answer = await self._client.call("POST", f"users/{object_id}/checkMemberGroups", mailbox=object_id,
                                             body={"groupIds": [self._group]})
        except CalendarNotPermitted as refusal:
            if not self._said_not_permitted:
                log.warning("Graph refused the administrator group lookup (needs GroupMember.Read.All and admin "
                            "consent); only TANDEM_ADMINS count: %s", refusal)
                self._said_not_permitted = True
            return False
        except CalendarError as problem:  # busy, unreachable or no such user: not an administrator this time
            log.info("administrator group lookup failed: %s", problem)
            return False
        member = self._group.lower() in {str(g).lower() for g in answer.get("value", [])}
        self._known[key] = (member, self._clock())
        return member
