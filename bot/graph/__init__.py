"""The Microsoft Graph edge: msal tokens, a throttling-aware client, and the Calendar port over them."""

from __future__ import annotations

from typing import Any

import aiohttp

from bot.graph.calendar import GraphCalendar
from bot.graph.client import GraphClient, Limits
from bot.graph.tokens import GraphTokens
from bot.settings import GraphSettings


def graph_calendar(settings: GraphSettings, session: aiohttp.ClientSession, *, http_client: Any | None = None,
                   limits: Limits | None = None) -> GraphCalendar:
    """The composition root's one call: a calendar over Graph (`http_client` is msal's, for tests)."""
    tokens = GraphTokens(settings, http_client=http_client)
    client = GraphClient(settings.base_url, tokens, session, timeout_seconds=settings.timeout_seconds,
                         limits=limits or Limits())
    return GraphCalendar(client, organiser_mailbox=settings.organiser_mailbox)


__all__ = ["GraphCalendar", "GraphClient", "GraphTokens", "Limits", "graph_calendar"]
