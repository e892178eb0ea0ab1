"""The administrator, manager and safeguarding commands, typed and pressed, with their refusals; private
steps refused in group chats and channels with a link to the personal chat."""

from __future__ import annotations

from botbuilder.schema import Entity

from bot.domain.concerns import ConcernState
from cards import verbs
from tests.dialogs.harness import ADMIN, World, press, text_of, user

MANAGER, DEPUTY, MENTOR, MENTEE, LEAD, YOUNG, STRANGER = (user("Manager"), user("Deputy"), user("Megan"), user("Adele"),
                                                          user("Lead"), user("Young"), user("Sam"))
BOT_MENTION = [Entity().deserialize({"type": "mention", "mentioned": {"id": "28:tandem", "name": "Tandem"}, "text": "<at>Tandem</at>"})]
LINK = "https://teams.microsoft.com/l/chat/0/0?users=28:tandem"


def in_channel(world: World, who, team_id: str = "team-1"):
    chat = world.chat(who, conversation_type="channel")
    chat.adapter.template.conversation.id = "19:general@thread.tacv2"
    chat.adapter.template.channel_data = {"tenant": {"id": "tenant-1"}, "team": {"id": team_id}}
    return chat


async def say_in_group(chat, text: str) -> str:
    return text_of(await chat.say(f"<at>Tandem</at> {text}", entities=BOT_MENTION))


async def test_only_an_administrator_creates_a_programme(world):
    refused = text_of(await world.chat(MANAGER).say("new programme Reverse mentoring pilot"))
    assert "Only a Tandem administrator can start a programme" in refused
    assert "Created" in text_of(await world.chat(ADMIN).say("new programme Reverse mentoring pilot"))
    assert [p.name for p in await world.services.pairs.managed_by(ADMIN)] == ["Reverse mentoring pilot"]


async def test_administrator_appoints_a_manager_who_adds_a_co_manager_and_removes_them_but_not_the_last(world):
    await world.chat(ADMIN).say("new programme Pilot")
    world.mentions = [MANAGER]
    assert "Manager is now a manager of Pilot" in await say_in_group(world.chat(ADMIN, "groupChat"), "add manager <at>Manager</at> in Pilot")
    world.mentions = [DEPUTY]
    assert "Deputy is now a manager" in await say_in_group(world.chat(MANAGER, "groupChat"), "add manager <at>Deputy</at>")
    world.mentions = [ADMIN]
    assert "no longer manages" in await say_in_group(world.chat(MANAGER, "groupChat"), "remove manager <at>Admin</at>")
    world.mentions = [DEPUTY]
    assert "no longer manages" in await say_in_group(world.chat(MANAGER, "groupChat"), "remove manager <at>Deputy</at>")
    world.mentions = [MANAGER]
    assert "at least one manager" in await say_in_group(world.chat(MANAGER, "groupChat"), "remove manager <at>Manager</at>")
    world.mentions = [STRANGER]
    assert "Only a programme's managers, or a Tandem administrator" in await say_in_group(
        world.chat(DEPUTY, "groupChat"), "add manager <at>Sam</at>")


async def test_a_manager_names_the_safeguarding_lead_and_a_stranger_cannot(world):
    await world.pair(MANAGER, MENTOR, MENTEE)
    world.mentions = [LEAD]
    assert "Only a programme's managers" in await say_in_group(world.chat(STRANGER, "groupChat"), "safeguarding lead <at>Lead</at>")
    assert "Lead is the safeguarding lead for Pilot" in await say_in_group(world.chat(MANAGER, "groupChat"), "safeguarding lead <at>Lead</at>")


async def test_raise_a_concern_in_the_personal_chat_goes_to_the_lead_and_the_lead_records_an_outcome(world):
    pair_id = await world.pair(MANAGER, MENTOR, MENTEE)
    programme_id = (await world.services.ctx.repos.pairs.get(pair_id)).programme_id
    await world.services.pairs.register(LEAD, {"conversation": {"id": "conv-lead"}})
    await world.services.safeguarding.name_lead(MANAGER, programme_id, LEAD)
    replies = text_of(await world.chat(MENTEE).say("raise a concern he asked me to meet alone"))
    assert "I've sent your concern to Lead" in replies
    card = world.messenger.to(LEAD.id)[-1].card
    assert "he asked me to meet alone" in str(card)
    data = next(a["data"] for a in card["actions"] if a["verb"] == verbs.CONCERN_OUTCOME)
    status, body, _ = await press(world.chat(MENTOR), verbs.CONCERN_OUTCOME, {**data, "note": "x"})
    assert "Only the programme's safeguarding lead" in body["value"]
    status, body, _ = await press(world.chat(LEAD), verbs.CONCERN_OUTCOME, {**data, "note": "Met them both"})
    assert status == 200 and "Outcome recorded" in str(body["value"])
    stored = await world.services.ctx.repos.concerns.get(programme_id, data["concernId"])
    assert stored.state is ConcernState.CLOSED


async def test_a_concern_is_never_taken_in_a_group_chat(world):
    pair_id = await world.pair(MANAGER, MENTOR, MENTEE)
    replies = await say_in_group(world.chat(MENTEE, "groupChat"), "raise a concern he shouted")
    assert "only take it in our personal chat" in replies and LINK in replies
    programme_id = (await world.services.ctx.repos.pairs.get(pair_id)).programme_id
    assert await world.store.query("concerns", programme_id, {}) == []


async def test_viewing_the_contract_or_status_in_a_group_chat_is_refused_with_a_link(world):
    await world.pair(MANAGER, MENTOR, MENTEE)
    contract = await say_in_group(world.chat(MENTEE, "groupChat"), "contract")
    assert "only show it in our personal chat" in contract and LINK in contract and "your goals" not in contract
    status = await say_in_group(world.chat(MANAGER, "groupChat"), "status")
    assert "only show it in our personal chat" in status and LINK in status and "how the pairs are doing" not in status


async def test_card_started_private_steps_are_refused_outside_the_personal_chat(world):
    pair_id = await world.pair(MANAGER, MENTOR, MENTEE)
    await world.agree_contract(pair_id, MENTOR, MENTEE)
    session = await world.hold_session(pair_id, MENTOR, MENTEE)
    for verb, data in ((verbs.REFLECTION_START, {"pairId": pair_id, "sessionId": session.id}),
                       (verbs.CONTRACT_DRAFT, {"pairId": pair_id}), (verbs.CONTRACT_CHANGE, {"pairId": pair_id, "version": 1})):
        status, body, sent = await press(world.chat(MENTEE, "groupChat"), verb, data)
        assert "in our personal chat" in body["value"] and LINK in body["value"], verb
        assert sent == []  # no dialog started there
    status, body, _ = await press(world.chat(MENTEE), verbs.REFLECTION_START, {"pairId": pair_id, "sessionId": session.id})
    assert body["type"] == "application/vnd.microsoft.card.adaptive"  # in the personal chat it works


async def test_alerts_here_needs_a_channel_of_a_linked_team(world):
    await world.pair(MANAGER, MENTOR, MENTEE)
    assert "only go to a channel" in await say_in_group(world.chat(MANAGER, "groupChat"), "alerts here")
    assert "isn't linked" in await say_in_group(in_channel(world, MANAGER), "alerts here")
    assert "Only a programme's managers" in await say_in_group(in_channel(world, STRANGER), "link team")
    assert "This team is linked to Pilot" in await say_in_group(in_channel(world, MANAGER), "link team")
    assert "Alerts for Pilot will come here" in await say_in_group(in_channel(world, MANAGER), "alerts here")
    assert "isn't linked" in await say_in_group(in_channel(world, MANAGER, team_id="team-2"), "alerts here")


async def test_under_18_needs_guardian_consent_before_pairing(world):
    await world.programme(MANAGER, "Cadets")
    manager = world.chat(MANAGER, "groupChat")
    world.mentions = [YOUNG]
    assert "can't be paired until guardian consent" in await say_in_group(manager, "under 18 <at>Young</at>")
    world.mentions = [MENTOR, YOUNG]
    assert "recorded as under 18" in await say_in_group(manager, "pair <at>Megan</at> <at>Young</at>")
    world.mentions = [YOUNG]
    assert "Only a programme's managers" in await say_in_group(world.chat(STRANGER, "groupChat"), "guardian consent <at>Young</at>")
    assert "Guardian consent recorded for Young" in await say_in_group(manager, "guardian consent <at>Young</at>")
    world.mentions = [MENTOR, YOUNG]
    assert "Paired Megan (mentor) with Young (mentee)" in await say_in_group(manager, "pair <at>Megan</at> <at>Young</at>")


async def test_help_lists_the_new_commands_for_who_may_use_them(world):
    await world.pair(MANAGER, MENTOR, MENTEE)
    assert "raise a concern" in text_of(await world.chat(MENTEE).say("help"))
    assert "help manager" in text_of(await world.chat(MANAGER).say("help"))
    manager_help = text_of(await world.chat(MANAGER).say("help manager"))
    assert "add manager" in manager_help and "safeguarding lead" in manager_help and "under 18" in manager_help
    assert "new programme" in text_of(await world.chat(ADMIN).say("help"))
    assert "new programme" not in text_of(await world.chat(STRANGER).say("help"))


async def test_a_concern_for_a_lead_who_had_never_opened_tandem_reaches_them_when_they_do(world):
    pair_id = await world.pair(MANAGER, MENTOR, MENTEE)
    programme_id = (await world.services.ctx.repos.pairs.get(pair_id)).programme_id
    unreachable_lead = type(LEAD)(LEAD.tenant_id, LEAD.aad_object_id, LEAD.name, LEAD.teams_user_id)  # no chat, no contact
    await world.services.safeguarding.name_lead(MANAGER, programme_id, unreachable_lead)
    await world.chat(MENTEE).say("raise a concern he asked me to meet alone")
    assert world.messenger.to(LEAD.id) == []
    replies = text_of(await world.chat(LEAD).say("help"))  # their first message: the kept card arrives
    assert "A safeguarding concern for you" in replies and "he asked me to meet alone" not in replies  # the notice has no words
    cards = [m.card for m in world.messenger.to(LEAD.id) if m.card]
    assert len(cards) == 1 and "he asked me to meet alone" in str(cards[0])
    assert (await world.services.ctx.repos.people.get(LEAD.id)).kept_concerns == ()
    await world.chat(LEAD).say("help")
    assert len([m for m in world.messenger.to(LEAD.id) if m.card]) == 1  # sent once
