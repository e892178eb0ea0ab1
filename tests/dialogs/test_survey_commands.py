"""`survey question add TEXT [in PROGRAMME]` and `survey questions`, typed by a programme's manager."""

from __future__ import annotations

from dialogs.commands import Command, parse_command, without_programme
from tests.dialogs.harness import text_of, user

MANAGER, MENTOR = user("Manager"), user("Megan")


def test_the_commands_are_read_with_their_question_and_programme():
    assert parse_command("survey question add How well did they listen? in Pilot") == (
        parse_command("survey question add How well did they listen? in Pilot"))
    parsed = parse_command("Survey question add: How well did they listen?")
    assert parsed.command is Command.SURVEY_QUESTION_ADD and parsed.argument == "How well did they listen?"
    assert parse_command("survey questions").command is Command.SURVEY_QUESTIONS
    assert parse_command("survey questions in Pilot").argument == "Pilot"
    assert without_programme("Did it help in the job? in Pilot", "Pilot") == "Did it help in the job?"


async def test_a_manager_adds_a_question_and_sees_it_listed(world):
    programme = await world.programme(MANAGER, "Reverse pilot")
    chat = world.chat(MANAGER)
    said = text_of(await chat.say("survey question add How well did your partner listen? in Reverse pilot"))
    assert "\u201cHow well did your partner listen?\u201d" in said and "**survey questions**" in said
    listed = text_of(await chat.say("survey questions"))
    assert "How well did your partner listen? (1-5, your own)" in listed and "How useful have your sessions been?" in listed
    assert (await world.services.ctx.repos.surveys.questions(programme.id))[0].text == "How well did your partner listen?"


async def test_someone_who_manages_nothing_cannot_add_a_question_and_an_empty_one_is_refused_kindly(world):
    await world.programme(MANAGER, "Reverse pilot")
    assert "Only a programme's managers" in text_of(await world.chat(MENTOR).say("survey question add Anything?"))
    said = text_of(await world.chat(MANAGER).say("survey question add"))
    assert "Give the question" in said and "Traceback" not in said


async def test_a_manager_chooses_which_standard_questions_are_asked(world):
    programme = await world.programme(MANAGER, "Reverse pilot")
    chat = world.chat(MANAGER)
    listed = text_of(await chat.say("survey questions"))
    assert "4. Would you recommend mentoring to a colleague?" in listed and "(not asked)" not in listed
    assert "No longer asking" in text_of(await chat.say("survey question drop 4"))
    asked = [q.id for q in await world.services.surveys.questions(MANAGER, programme.id)]
    assert "recommend" not in asked and "useful" in asked
    assert "4. Would you recommend mentoring to a colleague? (not asked)" in text_of(await chat.say("survey questions"))
    from bot.domain.surveys import survey_questions  # what each person's next survey card asks

    saved = await world.services.ctx.repos.programmes.get(programme.id)
    card_questions = [q.id for q in survey_questions(saved.kind, ["Speak up"], (), saved.survey_dropped)]
    assert "recommend" not in card_questions and "goal-1" in card_questions
    assert "Asking again" in text_of(await chat.say("survey question ask 4"))
    assert "recommend" in [q.id for q in await world.services.surveys.questions(MANAGER, programme.id)]
    for n in (1, 2, 3, 4):
        await chat.say(f"survey question drop {n}")
    assert "Keep at least one" in text_of(await chat.say("survey question drop 5"))
    assert "Give the question's number" in text_of(await chat.say("survey question drop recommend"))
    assert "Only a programme's managers" in text_of(await world.chat(MENTOR).say("survey question drop 3"))


async def test_a_manager_opens_the_debrief_at_any_time_and_nobody_else_can(world):
    await world.programme(MANAGER, "Reverse pilot")
    parsed = parse_command("debrief in Reverse pilot")
    assert (parsed.command, parsed.argument) == (Command.DEBRIEF, "in Reverse pilot")
    replies = await world.chat(MANAGER).say("debrief")
    card = replies[-1].attachments[0].content
    assert "Reverse pilot" in text_of(replies) and any(a.get("verb") == "debrief.decide" for a in card.get("actions", []))
    said = text_of(await world.chat(MENTOR).say("debrief"))
    assert "Only a programme's managers" in said and "debrief.decide" not in said
