"""A manager invites a whole team or channel from one of its channels: members come page by page from
Teams; the manager, bots and people already invited or taking part are skipped, and the reply counts each."""

from __future__ import annotations

from datetime import timedelta

from bot.domain.enrolment import Status
from bot.domain.roster import RosterRole
from bot.services.context import Actor
from cards import verbs
from tests.dialogs.harness import TENANT, World, text_of, user
from tests.dialogs.test_authorisation_dialogs import BOT_MENTION, in_channel

MANAGER = user("Manager")
BOT = Actor(TENANT, "", "Some bot", "28:some-bot")


def team(n: int) -> list[Actor]:
    people = [user(f"Officer{i}") for i in range(n)]
    return [Actor(p.tenant_id, p.aad_object_id, p.name, p.teams_user_id, p.email,
                  contact={"serviceUrl": "https://smba.example/uk/", "channelId": "msteams", "tenantId": TENANT,
                           "userId": p.teams_user_id, "bot": {"id": "28:tandem", "name": "Tandem"}}) for p in people]


async def say(world: World, text: str) -> str:
    return text_of(await in_channel(world, MANAGER).say(f"<at>Tandem</at> {text}", entities=BOT_MENTION))


async def test_inviting_this_team_reads_every_page_and_counts_invited_already_and_skipped(world):
    programme = await world.programme(MANAGER, "Pilot")
    members = team(7)
    await world.services.enrolment.invite(MANAGER, programme.id, [members[0]], RosterRole.MENTOR)  # invited already
    world.mentions = []
    world.member_pages = [members[:3] + [MANAGER, BOT], members[3:6], members[6:]]
    reply = await say(world, "invite this team as mentees")
    assert world.pages_read == 3
    assert "I invited 6 of this team's members to Pilot as mentees" in reply
    # The first page's cards go at once; later pages' are sent by the sweep, so a large team fits in one turn.
    assert "2 have their card to join now, and 4 more get theirs within a few minutes" in reply
    assert sum(bool(world.messenger.to(m.id)) for m in members[1:]) == 2
    world.clock.advance(timedelta(minutes=2))
    await world.services.due_work.sweep()
    assert "Already invited or taking part: 1. Skipped: 2" in reply
    participants = {p.email: p for p in await world.services.ctx.repos.participants.in_programme(programme.id)}
    assert set(participants) == {m.email for m in members}  # never the manager, never the bot
    assert participants[members[0].email].role is RosterRole.MENTOR  # left as they were
    assert all(participants[m.email].role is RosterRole.MENTEE and participants[m.email].status is Status.INVITED
               for m in members[1:])
    for person in members[1:]:  # each messaged directly, with the join card
        (message,) = world.messenger.to(person.id)
        assert any(a.get("verb") == verbs.ENROL_JOIN for a in message.card["actions"])


async def test_inviting_the_team_again_sends_nobody_a_second_card(world):
    await world.programme(MANAGER, "Pilot")
    world.member_pages = [team(4)]
    await say(world, "invite this channel as mentors")
    sent = len(world.messenger.sent)
    again = await say(world, "invite this channel as mentors")
    assert "I invited 0 of this channel's members" in again and "Already invited or taking part: 4" in again
    assert len(world.messenger.sent) == sent


async def test_only_managers_invite_a_team_and_only_in_its_channels(world):
    await world.programme(MANAGER, "Pilot")
    world.member_pages = [team(3)]
    stranger = user("Sam")
    refused = text_of(await in_channel(world, stranger).say("<at>Tandem</at> invite this team as mentees", entities=BOT_MENTION))
    assert "Only a programme's managers can do that" in refused and world.pages_read == 0
    in_personal = text_of(await world.chat(MANAGER).say("invite this team as mentees"))
    assert "Say this in a channel of the team" in in_personal and world.pages_read == 0


async def test_the_roster_lists_who_tandem_cannot_message_yet_with_a_link_that_adds_tandem(world):
    programme = await world.programme(MANAGER, "Pilot")
    await world.chat(MANAGER).say("hello")
    world.member_pages = [team(2)]  # team members: messaged at once
    await say(world, "invite this team as mentees")
    await world.services.enrolment.import_roster(MANAGER, programme.id, "email,name,role\nnestor@force.example,Nestor,mentor\n")
    replies = await world.chat(MANAGER).say("roster")
    (card,) = [a.attachments[0].content for a in replies if a.attachments]
    shown = text_of(replies)
    assert "Waiting to open Tandem** (1)" in shown and "Nestor" in shown  # imported: Tandem can't reach them yet
    assert "Has the card, not joined yet** (2)" in shown and "Officer0" in shown
    (link,) = [a for a in card["actions"] if a["type"] == "Action.OpenUrl"]
    assert link["url"] == "https://teams.microsoft.com/l/app/tandem"  # the bot's id, 28:tandem in these tests
    # When Nestor opens Tandem, the invitation is there: the first-contact card.
    opened = text_of(await world.chat(user("Nestor")).say("hello"))
    assert "You're invited to join Pilot as a mentor" in opened
    after = text_of(await world.chat(MANAGER).say("roster"))
    assert "Waiting to open Tandem" not in after and "Has the card, not joined yet** (3)" in after


async def test_a_team_too_large_for_one_turn_stops_truthfully_and_carries_on_when_asked_again(world, monkeypatch):
    programme = await world.programme(MANAGER, "Pilot")
    members = team(9)
    world.member_pages = [members[:3], members[3:6], members[6:]]
    monkeypatch.setattr("dialogs.main_dialog.remaining", lambda: 1.0)  # the turn's time is nearly spent after a page
    first = await say(world, "invite this team as mentees")
    assert world.pages_read == 1 and "I invited 3 of this team's members" in first
    assert "Say **invite this team as mentees** again to carry on" in first
    assert len(await world.services.ctx.repos.participants.in_programme(programme.id)) == 3
    monkeypatch.setattr("dialogs.main_dialog.remaining", lambda: None)
    again = await say(world, "invite this team as mentees")
    assert "I invited 6 of this team's members" in again and "Already invited or taking part: 3" in again
    world.clock.advance(timedelta(minutes=2))
    await world.services.due_work.sweep()
    assert all(len(world.messenger.to(m.id)) == 1 for m in members)  # everyone has one card, nobody two
