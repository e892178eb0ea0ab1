"""`report` for a programme's managers (personal chat or its own channel), `export my reflections` for the author."""

from __future__ import annotations


from botbuilder.schema import Entity

from tests.dialogs.harness import text_of
from tests.services.pilot import MANAGER, OUTSIDER, PAIRS, run_pilot

MENTION = [Entity().deserialize({"type": "mention", "mentioned": {"id": "28:tandem", "name": "Tandem"}, "text": "<at>Tandem</at>"})]


def cards_in(activities) -> list[dict]:
    return [a.attachments[0].content for a in activities if a.attachments]


async def test_a_manager_gets_the_report_card_in_their_personal_chat(world):
    await run_pilot(world)
    replies = await world.chat(MANAGER).say("report")
    [card] = cards_in(replies)
    facts = {f["title"]: f["value"] for e in card["body"] if e["type"] == "FactSet" for f in e["facts"]}
    assert facts["Pairs matched"] == "3" and facts["Sessions held"] == "3"
    assert any(e["type"] == "Chart.VerticalBar" for e in card["body"])


async def test_someone_who_manages_no_programme_is_refused_the_report(world):
    await run_pilot(world)
    for who in (PAIRS[0][0], OUTSIDER):
        replies = await world.chat(who).say("report")
        assert cards_in(replies) == [] and "Only a programme's managers" in text_of(replies)


async def test_the_report_is_not_shown_in_a_channel_other_than_the_programmes_own(world):
    await run_pilot(world)
    chat = world.chat(MANAGER, conversation_type="channel")
    chat.adapter.template.channel_data = {"tenant": {"id": "tenant-1"}, "team": {"id": "team-1"}}
    replies = await chat.say("<at>Tandem</at> report", entities=MENTION)
    assert cards_in(replies) == [] and "personal chat" in text_of(replies)
    await chat.say("<at>Tandem</at> link team", entities=MENTION)  # this team is the programme's
    await chat.say("<at>Tandem</at> alerts here", entities=MENTION)  # and this channel its alert channel
    assert len(cards_in(await chat.say("<at>Tandem</at> report", entities=MENTION))) == 1


async def test_export_my_reflections_gives_the_author_their_goals_sessions_and_own_reflections_only(world):
    programme_id, pair_ids = await run_pilot(world)
    mentor, mentee = PAIRS[0]
    schedule = await world.services.ctx.repos.pairs.schedule(pair_ids[0])
    held = schedule.held()[0]
    await world.services.reflections.write(mentee, pair_ids[0], held.id, "Stop and search", "Trust takes time", "Read the review", 4, True)
    await world.services.reflections.write(mentor, pair_ids[0], held.id, "Community meetings", "MENTOR SECRET", "Call back", 5, True)
    record = text_of(await world.chat(mentee).say("export my reflections"))
    assert "Understand knife crime in Newham" in record and "Trust takes time" in record and "rated 4/5" in record
    assert "MENTOR SECRET" not in record and mentor.name not in record
    assert "MENTOR SECRET" in text_of(await world.chat(mentor).say("export my reflections"))


async def test_export_my_reflections_is_never_answered_in_a_group_chat(world):
    _, pair_ids = await run_pilot(world)
    replies = text_of(await world.chat(PAIRS[0][1], conversation_type="groupChat").say(
        "<at>Tandem</at> export my reflections", entities=MENTION))
    assert "personal chat" in replies and "Goals" not in replies
