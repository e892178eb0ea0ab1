"""A team's members read from Teams a page at a time (TeamsInfo's paged members), against a loopback
connector answering the members API: every page followed, bots left out, each member a reachable Actor."""

from __future__ import annotations

import pytest
from aiohttp import web
from botbuilder.integration.aiohttp import CloudAdapter, ConfigurationBotFrameworkAuthentication
from botbuilder.schema import ChannelAccount, ConversationAccount, ConversationReference

from bot.domain.errors import InvalidInput
from bot.settings import BotCredentials
from bot.teams.members import TEAM, member_pages
from tests.support.connector import FaultyConnector
from tests.support.loopback import serve_on_loopback

TENANT = "tenant-1"
TEAM_ID = "19:team-general@thread.tacv2"


def member(n: int) -> dict:
    return {"id": f"29:user-{n}", "name": f"Officer {n}", "aadObjectId": f"aad-{n}", "email": f"officer{n}@force.example",
            "userPrincipalName": f"officer{n}@force.example", "tenantId": TENANT, "userRole": "guest" if n == 4 else "user"}


class MembersApi:
    """GET /v3/conversations/{id}/pagedmembers: 250 people and a bot, in pages of the size asked for."""

    def __init__(self):
        self.members = [member(n) for n in range(250)] + [{"id": "28:other-bot", "name": "Other bot"}]
        self.requests: list[dict] = []

    async def paged(self, request: web.Request) -> web.Response:
        size = int(request.query.get("pageSize", "100"))
        start = int(request.query.get("continuationToken", "0"))
        self.requests.append({"conversation": request.match_info["conversation"], "size": size, "start": start})
        page = self.members[start:start + size]
        following = start + size
        body = {"members": page}
        if following < len(self.members):
            body["continuationToken"] = str(following)
        return web.json_response(body)


@pytest.fixture
async def members_api():
    api = MembersApi()
    app = web.Application()
    app.router.add_get("/v3/conversations/{conversation}/pagedmembers", api.paged)
    # The same service answers first 1:1 chats and messages, as Teams' serviceUrl does.
    api.connector = FaultyConnector()
    app.router.add_post("/v3/conversations", api.connector._create)
    app.router.add_post("/v3/conversations/{conversation}/activities", api.connector._activity)
    app.router.add_post("/v3/conversations/{conversation}/activities/{reply_to}", api.connector._activity)

    async def unknown(request: web.Request) -> web.Response:
        api.unknown.append(f"{request.method} {request.path}")
        return web.json_response({"error": "not here"}, status=404)

    api.unknown = []
    app.router.add_route("*", "/{tail:.*}", unknown)
    runner, port = await serve_on_loopback(app, access_log=False)
    api.url = f"http://127.0.0.1:{port}/"
    yield api
    await runner.cleanup()


async def read_pages(api: MembersApi, channel_data: dict | None, page_size: int = 100) -> list[tuple[list, int]]:
    adapter = CloudAdapter(ConfigurationBotFrameworkAuthentication(BotCredentials("", "", "MultiTenant", "")))
    reference = ConversationReference(
        channel_id="msteams", service_url=api.url, bot=ChannelAccount(id="28:tandem", name="Tandem"),
        conversation=ConversationAccount(id=TEAM_ID, conversation_type="channel", tenant_id=TENANT))
    pages: list[tuple[list, int]] = []

    async def logic(context):
        context.activity.channel_data = channel_data
        context.activity.conversation.tenant_id = TENANT
        async for page in member_pages(context, TEAM, page_size):
            pages.append(page)

    await adapter.continue_conversation(reference, logic, "")
    return pages


async def test_every_page_of_a_large_team_is_read_and_bots_are_left_out(members_api):
    pages = await read_pages(members_api, {"tenant": {"id": TENANT}, "team": {"id": TEAM_ID}})
    assert [len(people) for people, _ in pages] == [100, 100, 50]
    assert sum(bots for _, bots in pages) == 1
    assert [r["start"] for r in members_api.requests] == [0, 100, 200] and {r["size"] for r in members_api.requests} == {100}
    assert {r["conversation"] for r in members_api.requests} == {TEAM_ID}
    people = [p for page, _ in pages for p in page]
    assert len({p.id for p in people}) == 250
    first = people[0]
    assert (first.id, first.email, first.name) == (f"{TENANT}:aad-0", "officer0@force.example", "Officer 0")
    # What opening a 1:1 chat with them needs: this team's serviceUrl and tenant, and the bot.
    assert first.contact["serviceUrl"] == members_api.url and first.contact["tenantId"] == TENANT
    assert first.contact["userId"] == "29:user-0" and first.contact["bot"]["id"] == "28:tandem"
    assert [p.guest for p in people[:6]] == [False, False, False, False, True, False]


async def test_outside_a_team_nothing_is_asked_of_teams(members_api):
    with pytest.raises(InvalidInput) as refused:
        await read_pages(members_api, {"tenant": {"id": TENANT}})
    assert "invite this team as mentees" in refused.value.message
    assert members_api.requests == []


async def test_team_members_invited_are_messaged_at_once_in_a_new_personal_chat(members_api, world):
    from bot.domain.roster import RosterRole
    from bot.teams.delivery import DeliveryPolicy, Limits
    from bot.teams.messenger import TeamsMessenger
    from cards import verbs
    from tests.dialogs.harness import user

    (people, _), *_ = await read_pages(members_api, {"tenant": {"id": TENANT}, "team": {"id": TEAM_ID}})
    adapter = CloudAdapter(ConfigurationBotFrameworkAuthentication(BotCredentials("", "", "MultiTenant", "")))
    world.services.ctx.messenger = TeamsMessenger(adapter, "", DeliveryPolicy(Limits(base_backoff=0.01)))
    manager = user("Manager")
    programme = await world.programme(manager, "Pilot")
    counted = await world.services.enrolment.invite_members(manager, programme.id, people[:3], RosterRole.MENTEE)
    assert (counted.invited, counted.reached) == (3, 3), members_api.unknown
    for n in range(3):
        (received,) = members_api.connector.to(f"personal-29:user-{n}")  # a 1:1 chat opened through the team's serviceUrl
        card = received.activity["attachments"][0]["content"]
        assert any(a.get("verb") == verbs.ENROL_JOIN for a in card["actions"])
    kept = await world.services.ctx.repos.people.get(people[0].id)
    assert kept.conversation["conversation"]["id"] == "personal-29:user-0"  # so the roster no longer lists them as waiting
