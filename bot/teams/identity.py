"""Who is acting and who was @mentioned, read from the activity and Teams itself, never from card data."""

from __future__ import annotations

import logging
from typing import Any

from botbuilder.core import TurnContext
from botbuilder.core.teams import TeamsInfo
from botbuilder.schema import Activity
from botframework.connector.models import ErrorResponseException

from bot.domain.errors import InvalidInput
from bot.domain.text import person_name
from bot.services.context import Actor
from dialogs.turn import KEEP_SERVICE_URL_KEY


log = logging.getLogger(__name__)


class UnidentifiedActor(Exception):
    """The activity did not say which Entra user and tenant sent it."""


def tenant_of(activity: Activity) -> str:
    """Teams puts the tenant in channelData.tenant.id and conversation.tenantId (which the Python
    SDK's schema maps from 'tenantID', so it lands in additional_properties)."""
    if isinstance(activity.channel_data, dict):
        tenant = (activity.channel_data.get("tenant") or {}).get("id")
        if tenant:
            return tenant
    conversation = activity.conversation
    if conversation is None:
        return ""
    return conversation.tenant_id or (conversation.additional_properties or {}).get("tenantId") or ""


def is_guest(member: Any) -> bool:
    """Teams marks a guest account's role "guest" (TeamsInfo's userRole; some activities carry it too)."""
    role = getattr(member, "user_role", None) or (getattr(member, "additional_properties", None) or {}).get("userRole")
    return str(role or "").lower() == "guest"


def sender_is_guest(activity: Activity) -> bool:
    data = activity.channel_data if isinstance(activity.channel_data, dict) else {}
    return is_guest(activity.from_property) or str(data.get("userRole") or "").lower() == "guest"


def actor_from_activity(activity: Activity, keep_service_url: bool = True) -> Actor:
    sender = activity.from_property
    tenant = tenant_of(activity)
    if sender is None or not sender.aad_object_id or not tenant:
        raise UnidentifiedActor("activity has no Entra object id or tenant")
    return Actor(tenant_id=tenant, aad_object_id=sender.aad_object_id, name=sender.name or "",
                 teams_user_id=sender.id or "", contact=contact_for(activity, sender.id or "", tenant, keep_service_url),
                 guest=sender_is_guest(activity))


def contact_for(activity: Activity, teams_user_id: str, tenant: str, keep_service_url: bool = True) -> dict:
    """What opening a first 1:1 chat with this user later needs: Teams' service URL and the bot's account.
    From an unauthenticated (local mode) activity the service URL is not kept."""
    return {
        "serviceUrl": activity.service_url if keep_service_url else "",
        "channelId": activity.channel_id,
        "tenantId": tenant,
        "userId": teams_user_id,
        "bot": {"id": activity.recipient.id, "name": activity.recipient.name},
    }


async def mentioned_people(context: TurnContext) -> list[Actor]:
    """Everyone @mentioned except the bot, in order, resolved through Teams to their Entra identity."""
    activity = context.activity
    tenant = tenant_of(activity)
    people: list[Actor] = []
    for mention in TurnContext.get_mentions(activity):
        mentioned = mention.additional_properties.get("mentioned") or {}
        user_id = mentioned.get("id", "")
        if not user_id or user_id == activity.recipient.id or any(p.teams_user_id == user_id for p in people):
            continue
        name = mentioned.get("name", "")
        try:
            member = await TeamsInfo.get_member(context, user_id)
        except (ErrorResponseException, KeyError, TypeError) as error:
            log.warning("could not look up mentioned member %s: %r", user_id, error)
            raise InvalidInput(f"I couldn't look up {person_name(name, 'that person')} in this conversation. Are they a member here?") from error
        if not member.aad_object_id:
            raise InvalidInput(f"I couldn't find the work account of {person_name(name, 'that person')}.")
        people.append(Actor(
            tenant_id=getattr(member, "tenant_id", None) or tenant,
            aad_object_id=member.aad_object_id,
            name=member.name or name,
            teams_user_id=user_id,
            email=member.email or member.user_principal_name or "",
            contact=contact_for(activity, user_id, tenant, bool(context.turn_state.get(KEEP_SERVICE_URL_KEY, True))),
            guest=is_guest(member),
        ))
    return people


async def own_email(context: TurnContext) -> str:
    """The sender's work email (UPN), asked of Teams: activities carry no email. "" if Teams won't say."""
    user_id = context.activity.from_property.id if context.activity.from_property else ""
    if not user_id:
        return ""
    try:
        member = await TeamsInfo.get_member(context, user_id)
    except (ErrorResponseException, KeyError, TypeError, AttributeError, ValueError) as error:
        log.info("could not look up the sender's email: %r", error)
        return ""
    return (member.email or member.user_principal_name or "").strip().lower()
