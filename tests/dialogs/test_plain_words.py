"""A two-line welcome with this person's next step, manager commands behind 'help manager', an
explanation for every word Tandem uses, and every text at a reading grade a 16-year-old is comfortable with."""

from __future__ import annotations

from datetime import date

import pytest
from botbuilder.schema import Activity, ActivityTypes

from bot.domain.contracts import CONFIDENTIALITY_LIMIT, default_clauses
from bot.teams import handler
from dialogs import choose_pair_dialog, contract_dialog, help as help_module, main_dialog, reflection_dialog, session_dialog, shifts_dialog
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
             "goals": contract_dialog.GOALS_HINT, "session example": session_dialog.EXAMPLE,
             "shifts": shifts_dialog.EXPLAIN, "shifts hint": shifts_dialog.HINT}
    for module in (contract_dialog, reflection_dialog, session_dialog, choose_pair_dialog, shifts_dialog):
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


def test_commands_are_written_one_way_in_bold_never_in_quotes():
    """Every command a message names reads **schedule**, not 'schedule' or "schedule"."""
    import ast
    import pathlib
    import re

    quoted = re.compile(r"""\b[Ss]ay (['"])[a-z][a-z' -]*\1|\((['"])(schedule|contract|sessions|reflect|help)\2\)""")
    found = []
    for path in [*pathlib.Path("bot").rglob("*.py"), *pathlib.Path("dialogs").rglob("*.py"), *pathlib.Path("cards").rglob("*.py")]:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and quoted.search(node.value):
                found.append(f"{path}:{node.lineno}: {node.value[:80]}")
    assert quoted.search("Say 'schedule' to propose") and not quoted.search("Say **schedule** to propose")
    assert found == []


def read_out(activities: list[Activity]) -> list[str]:
    """Each text a person reads in these replies: message texts and every card's text blocks, hints and
    button titles. A heading is not a sentence (the grade of "Mentoring contract, version 1" means
    nothing), so only blocks of six words or more are graded."""
    blocks = []
    for a in activities:
        blocks.append(a.text or "")
        for attachment in a.attachments or []:
            content = attachment.content if isinstance(attachment.content, dict) else {}
            stack = [content]
            while stack:
                node = stack.pop()
                if isinstance(node, dict):
                    if node.get("type") == "TextBlock":
                        blocks.append(node.get("text", ""))
                    stack.extend(node.values())
                elif isinstance(node, list):
                    stack.extend(node)
    return [b for b in blocks if len(b.split()) >= 6]


async def test_every_prompt_in_a_whole_pair_journey_reads_at_most_grade_9(world):
    """Every message and card text the bot sends while a pair drafts, changes and agrees a contract,
    books, moves and confirms a session and reflects, typed answers and mistakes included."""
    from datetime import timedelta

    pair_id = await world.pair(MANAGER, MENTOR, MENTEE)
    mentee, mentor = world.chat(MENTEE), world.chat(MENTOR)
    said: list[tuple[str, str]] = []

    async def say(chat, text):
        replies = await chat.say(text)
        said.extend((text, block) for block in read_out(replies))
        return replies

    for text in ("help", "contract", "a\nb\nc\nd", "Learn about stop and search", "often", "monthly", "500", "60",
                 "teams", "default", "default", "goals", "Learn about stop and search", "how often", "monthly",
                 "length", "45", "format", "in person", "contact", "keep", "boundaries", "No calls after 8pm",
                 "confidentiality", "none", "end", "31/12/2031", "30 June 2027", "review", "keep", "help", "send it"):
        await say(mentee, text)
    for text in ("contract", "accept", "schedule", "help", "someday", "yesterday at 10", "next wednesday", "at 11"):
        await say(mentor, text)
    await say(mentee, "sessions")
    await say(mentee, "accept")
    world.clock.advance(timedelta(days=3))
    for text in ("we met", "what is a no-fault close?", "pause reminders for a month", "resume reminders"):
        await say(mentee, text)
    await say(mentor, "it happened")
    for text in ("reflect", "help", "Stop and search figures", "How trust is built", "Read the report", "7", "4", "keep it private",
                 "my reflections"):
        await say(mentee, text)
    assert len(said) > 50 and (await world.services.ctx.repos.pairs.contract(pair_id)).in_force
    hard = [f"{grade(block):.1f} after {text!r}: {block}" for text, block in said if grade(block) > MAX_GRADE]
    assert hard == [], "\n".join(hard)
