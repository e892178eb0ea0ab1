"""A team's or channel's members, page by page, from Teams (TeamsInfo's paged members), as Actors.

Read one page at a time, so a team of thousands is never held in memory at once. Members without a work
account (bots) are counted, not returned. Each member carries the contact a first 1:1 chat needs (this
activity's serviceUrl and tenant): Tandem is installed in the team, so Teams lets it message them at once.
"""

from __future__ import annotations

import logging
from typing import AsyncIterator

from botbuilder.core import TurnContext
from botbuilder.core.teams import TeamsInfo
from botbuilder.schema.teams import TeamsChannelAccount
from botframework.connector.models import ErrorResponseException

from bot.domain.errors import InvalidInput
from bot.services.context import Actor
from bot.teams.identity import contact_for, is_guest, tenant_of
from dialogs.turn import KEEP_SERVICE_URL_KEY

log = logging.getLogger(__name__)

PAGE_SIZE = 100  # Teams allows up to 500; smaller pages keep each request (and each page of invitations) short
TEAM, CHANNEL = "team", "channel"
NOT_IN_A_TEAM = ("Say this in a channel of the team: **invite this team as mentees** (or mentors, reserves). "
                 "In a chat, @mention the people instead: **invite @person as mentee**.")


def team_id_of(context: TurnContext) -> str:
    data = context.activity.channel_data if isinstance(context.activity.channel_data, dict) else {}
    return ((data.get("team") or {}).get("id")) or ""


async def member_pages(context: TurnContext, scope: str, page_size: int = PAGE_SIZE) -> AsyncIterator[tuple[list[Actor], int]]:
    """(people, bots skipped) for each page of the team's (or this channel's) members."""
    team_id = team_id_of(context)
    if not team_id:
        raise InvalidInput(NOT_IN_A_TEAM)
    activity = context.activity
    tenant = tenant_of(activity)
    keep_url = bool(context.turn_state.get(KEEP_SERVICE_URL_KEY, True))
    token = None
    while True:
        try:
            if scope == TEAM:
                page = await TeamsInfo.get_paged_team_members(context, team_id, token, page_size)
            else:  # a standard channel's members are its team's; TeamsInfo asks for them by the team
                page = await TeamsInfo.get_paged_members(context, token, page_size)
        except (ErrorResponseException, KeyError, TypeError) as error:
            log.warning("could not list the %s's members: %r", scope, error)
            raise InvalidInput(f"Teams wouldn't tell me who is in this {scope}. Please try again in a minute.") from error
        people, bots = [], 0
        for member in page.members or []:
            if not isinstance(member, TeamsChannelAccount) or not member.aad_object_id or (member.id or "").startswith("28:"):
                bots += 1
                continue
            people.append(Actor(
                tenant_id=member.tenant_id or tenant, aad_object_id=member.aad_object_id, name=member.name or "",
                teams_user_id=member.id or "", email=(member.email or member.user_principal_name or "").strip().lower(),
                contact=contact_for(activity, member.id or "", tenant, keep_url), guest=is_guest(member)))
        yield people, bots
        token = page.continuation_token
        if not token:
            return
