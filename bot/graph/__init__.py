"""The Microsoft Graph edge: msal tokens, a throttling-aware client, and the Calendar port over them."""

from __future__ import annotations

from typing import Any

import aiohttp

from bot.graph.calendar import GraphCalendar
from bot.graph.directory import GraphAdminGroup
from bot.graph.client import GraphClient, Limits
from bot.graph.tokens import GraphTokens
from bot.settings import GraphSettings


def graph_client(settings: GraphSettings, session: aiohttp.ClientSession, *, http_client: Any | None = None,
                 limits: Limits | None = None) -> GraphClient:
    """One client (one msal token cache, one set of per-mailbox limits) for everything Tandem asks Graph."""
    tokens = GraphTokens(settings, http_client=http_client)
    return GraphClient(settings.base_url, tokens, session, timeout_seconds=settings.timeout_seconds,
                       limits=limits or Limits())


def graph_calendar(settings: GraphSettings, session: aiohttp.ClientSession, *, http_client: Any | None = None,
                   limits: Limits | None = None, client: GraphClient | None = None) -> GraphCalendar:
    """A calendar over Graph (`http_client` is msal's, for tests)."""
    client = client or graph_client(settings, session, http_client=http_client, limits=limits)
    return GraphCalendar(client, organiser_mailbox=settings.organiser_mailbox)


__all__ = ["GraphAdminGroup", "GraphCalendar", "GraphClient", "GraphTokens", "Limits", "graph_calendar", "graph_client"]
