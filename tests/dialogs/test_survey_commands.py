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
    assert "How well did your partner listen? (1-5)" in listed and "How useful have your sessions been?" in listed
    assert (await world.services.ctx.repos.surveys.questions(programme.id))[0].text == "How well did your partner listen?"


async def test_someone_who_manages_nothing_cannot_add_a_question_and_an_empty_one_is_refused_kindly(world):
    await world.programme(MANAGER, "Reverse pilot")
    assert "Only a programme's managers" in text_of(await world.chat(MENTOR).say("survey question add Anything?"))
    said = text_of(await world.chat(MANAGER).say("survey question add"))
    assert "Give the question" in said and "Traceback" not in said
