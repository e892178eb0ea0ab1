"""A two-line welcome with this person's next step, manager commands behind 'help manager', an
explanation for every word Tandem uses, and every text at a reading grade a 16-year-old is comfortable with."""

from __future__ import annotations

from datetime import date

import pytest
from botbuilder.schema import Activity, ActivityTypes

from bot.domain.contracts import CONFIDENTIALITY_LIMIT, default_clauses
from bot.teams import handler
from dialogs import choose_pair_dialog, contract_dialog, help as help_module, main_dialog, reflection_dialog, session_dialog
from dialogs.glossary import TERMS, explain
from tests.dialogs.harness import World, text_of, user
from tests.support.readability import MAX_GRADE, grade

MANAGER, MENTOR, MENTEE, STRANGER = user("Manager"), user("Megan Bowen"), user("Adele Vance"), user("Sam")


async def install(world: World, who) -> list[Activity]:
    chat = world.chat(who)
    chat.adapter.activity_buffer.clear()
    await chat.adapter.receive_activity(Activity(type=ActivityTypes.installation_update, action="add"))
    return list(chat.adapter.activity_buffer)


async def test_the_welcome_is_two_short_lines_and_a_card_with_this_persons_next_step(world):
    await world.pair(MANAGER, MENTOR, MENTEE)
    (welcome,) = await install(world, MENTEE)
    card = welcome.attachments[0].content
    first = card["body"][0]["text"]
    lines = [line for line in first.splitlines() if line.strip()]
    assert len(lines) == 2 and len(first.split()) <= 30 and lines[0].startswith("Hello, I'm Tandem")
    assert card["body"][1]["text"] == "What can I do?" and welcome.summary.startswith("Hello, I'm Tandem")
    assert "Draft your mentoring contract with Megan Bowen: say **contract**." in text_of([welcome])


async def test_the_mentors_next_step_is_to_wait_for_the_draft_and_a_strangers_to_be_paired(world):
    await world.pair(MANAGER, MENTOR, MENTEE)
    assert "Adele Vance, your mentee, drafts your contract first" in text_of(await install(world, MENTOR))
    assert "Your programme manager will pair you" in text_of(await install(world, STRANGER))


async def test_manager_commands_are_behind_help_manager(world):
    await world.pair(MANAGER, MENTOR, MENTEE)
    manager_help = text_of(await world.chat(MANAGER).say("help"))
    assert "**help manager**" in manager_help and "alerts here" not in manager_help
    full = text_of(await world.chat(MANAGER).say("help manager"))
    assert all(command in full for command in ("**pair @mentor @mentee**", "**status**", "**alerts here**", "**add manager @person**"))


@pytest.mark.parametrize("asked, expected", [
    ("what is a no-fault close?", "ends a pairing without blaming anyone"),
    ("What's a contract", "what you and your partner agree"),
    ("what does drifting mean?", "stopped meeting as agreed"),
    ("explain reflections", "private notes after a session"),
    ("what is safeguarding", "keeping people safe"),
    ("what are reminders?", "pause reminders"),
])
async def test_asking_what_a_word_means_gets_a_short_explanation(world, asked, expected):
    assert expected in text_of(await world.chat(STRANGER).say(asked))


async def test_an_unknown_word_lists_the_words_that_can_be_explained(world):
    replies = text_of(await world.chat(STRANGER).say("what is a flux capacitor?"))
    assert "didn't understand" in replies and "**no-fault close**" in replies


def test_every_term_explains_itself_in_a_few_sentences():
    for term, (explanation, _) in TERMS.items():
        assert explain(term) == explanation and explanation.count(".") <= 4


def every_text() -> dict[str, str]:
    """Every help text, prompt, explanation and default clause a person reads."""
    texts = {"welcome": handler.WELCOME, "busy": handler.BUSY, "unidentified": handler.UNIDENTIFIED,
             "unknown": main_dialog.UNKNOWN_REPLY, "manager help": help_module.MANAGER_HELP, "always": help_module.ALWAYS,
             "confidentiality": CONFIDENTIALITY_LIMIT, "menu retry": contract_dialog.MENU_RETRY,
             "goals": contract_dialog.GOALS_HINT, "session example": session_dialog.EXAMPLE}
    for module in (contract_dialog, reflection_dialog, session_dialog, choose_pair_dialog):
        for name in dir(module):
            value = getattr(module, name)
            if isinstance(value, type) and isinstance(getattr(value, "step_help", None), str):
                texts[f"{name} help"] = value.step_help
    clauses = default_clauses(date(2027, 1, 11), date(2027, 7, 11))
    texts["default contact"], texts["default boundaries"] = clauses.contact_between, clauses.boundaries
    texts.update({f"what is {term}": explanation for term, (explanation, _) in TERMS.items()})
    return texts


@pytest.mark.parametrize("name, words", sorted(every_text().items()))
def test_reading_grade_is_at_most_9(name, words):
    assert grade(words) <= MAX_GRADE, f"{name} reads at grade {grade(words):.1f}: {words}"


async def test_help_for_each_role_reads_at_most_grade_9(world):
    await world.pair(MANAGER, MENTOR, MENTEE)
    for who in (MANAGER, MENTOR, MENTEE, STRANGER):
        reply = (await world.chat(who).say("help"))[-1]  # after any notice kept for them (being appointed)
        assert grade(reply.text) <= MAX_GRADE, reply.text
