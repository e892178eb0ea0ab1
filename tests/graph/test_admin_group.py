"""Administrators by Entra group (TANDEM_ADMIN_GROUP) through the loopback Graph: a member is one, others
are not, answers are cached, and a Graph that refuses (no consent) leaves only TANDEM_ADMINS, said once."""

from __future__ import annotations

import logging

import aiohttp
import pytest

from bot.graph import GraphAdminGroup, graph_client
from bot.services.authority import AnyAdminDirectory, ListedAdmins
from tests.graph.test_calendar import secret_settings
from tests.support.fake_graph import FakeGraph, LoopbackHttpClient

GROUP = "tandem-administrators"
CHIEF, SERGEANT = "oid-chief", "oid-sergeant"


@pytest.fixture
async def fake():
    graph = FakeGraph(groups={GROUP: {CHIEF}})
    await graph.start()
    yield graph
    await graph.stop()


@pytest.fixture
async def group(fake):
    msal_http = LoopbackHttpClient(fake)
    async with aiohttp.ClientSession() as session:
        clock = [0.0]
        yield GraphAdminGroup(graph_client(secret_settings(fake), session, http_client=msal_http), GROUP,
                              clock=lambda: clock[0]), clock
    msal_http.close()


def lookups(fake: FakeGraph) -> list[str]:
    return [r.path for r in fake.requests if r.path.endswith("/checkMemberGroups")]


async def test_a_member_of_the_group_is_an_administrator_and_others_are_not(fake, group):
    directory, _ = group
    assert await directory.is_admin(CHIEF, "")
    assert not await directory.is_admin(SERGEANT, "")
    assert lookups(fake) == [f"/users/{CHIEF}/checkMemberGroups", f"/users/{SERGEANT}/checkMemberGroups"]
    assert all(r.body == {"groupIds": [GROUP]} for r in fake.requests if r.path.endswith("/checkMemberGroups"))


async def test_answers_are_cached_for_a_few_minutes_then_asked_again(fake, group):
    directory, clock = group
    for _ in range(3):
        assert await directory.is_admin(CHIEF, "")
    assert len(lookups(fake)) == 1
    fake.groups[GROUP].discard(CHIEF)  # removed from the group in Entra
    clock[0] += 301
    assert not await directory.is_admin(CHIEF, "")
    assert len(lookups(fake)) == 2


async def test_without_consent_only_the_listed_administrators_count_and_it_is_said_once(fake, group, caplog):
    directory, _ = group
    fake.forbidden_groups = True
    both = AnyAdminDirectory(ListedAdmins([SERGEANT]), directory)
    with caplog.at_level(logging.WARNING):
        assert not await both.is_admin(CHIEF, "")
        assert not await both.is_admin("oid-other", "")
        assert await both.is_admin(SERGEANT, "")
    assert caplog.text.count("Graph refused the administrator group lookup") == 1
