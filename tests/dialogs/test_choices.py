"""Choice prompts: an Adaptive Card to press in any Teams client, or an answer typed as a number,
name, first name or clear prefix, with a short retry."""

from __future__ import annotations

import pytest
from botbuilder.schema import Activity

from cards import verbs
from cards.choices import MAX_ACTIONS
from dialogs.choices import match_choice, short_retry
from tests.dialogs.harness import World, press, text_of, user

MANAGER, ALEX, MEGAN, ADELE = user("Manager"), user("Alex Wilber"), user("Megan Bowen"), user("Adele Vance")
CARD = "application/vnd.microsoft.card.adaptive"
MESSAGE = "application/vnd.microsoft.activity.message"

PAIRINGS = [["Megan Bowen (your mentor, Pilot)", "Megan Bowen", "Megan"],
            ["Adele Vance (your mentee, Pilot)", "Adele Vance", "Adele"]]


@pytest.mark.parametrize("answer, index", [
    ("1", 0), ("2", 1), (" 2. ", 1), ("option 2", 1),
    ("Megan", 0), ("megan bowen", 0), ("ADELE VANCE", 1), ("adele", 1), ("ad", 1), ("meg", 0),
    ("Adele Vance (your mentee, Pilot)", 1), ("the adele one please", 1),
])
def test_typed_answers_pick_by_number_name_first_name_or_prefix(answer, index):
    assert match_choice(answer, PAIRINGS) == index


@pytest.mark.parametrize("answer", ["3", "0", "pilot", "your", "Sam", "", "   ", "1 2"])
def test_out_of_range_ambiguous_or_unknown_answers_pick_nothing(answer):
    assert match_choice(answer, PAIRINGS) is None


def test_accents_and_case_are_ignored():
    names = [["Zoë Šimková"], ["Chloé Martin"]]
    assert match_choice("zoe", names) == 0 and match_choice("CHLOE", names) == 1 and match_choice("simk", names) == 0


def test_an_exact_name_wins_over_a_longer_one_it_prefixes():
    assert match_choice("monthly", [["Monthly"], ["Monthly plus"]]) == 0
    assert match_choice("date", [["End date"], ["Review date"]]) is None


def test_the_retry_is_short_and_names_each_option():
    assert short_retry(["a", "b"], ["Megan Bowen", "Adele Vance"]) == "Say 1 for Megan Bowen or 2 for Adele Vance."
    assert short_retry(list("abcdefghijk"), ["Goals"] + ["x"] * 10) == "Say a number from 1 to 11, or a name such as Goals."


async def alex_in_two_pairs(world: World):
    for person in (ALEX, MEGAN, ADELE):
        await world.services.pairs.register(person, {"conversation": {"id": f"conv-{person.aad_object_id}"}})
    programme = await world.programme(MANAGER, "Pilot")
    second = await world.programme(MANAGER, "Second pilot")  # one active pairing per person per programme
    as_mentee = await world.services.pairs.pair_people(MANAGER, programme.id, MEGAN, ALEX)
    as_mentor = await world.services.pairs.pair_people(MANAGER, second.id, ALEX, ADELE)
    return as_mentee.id, as_mentor.id


def only_card(activities: list[Activity]) -> dict:
    cards = [a.attachments[0].content for a in activities if a.attachments]
    assert len(cards) == 1, text_of(activities)
    return cards[0]


def action_titled(card: dict, title: str) -> dict:
    return next(a for a in card["actions"] if a["title"] == title)


@pytest.mark.parametrize("answer, partner", [("Megan", "Megan Bowen"), ("adele vance", "Adele Vance"), ("2", "Adele Vance"),
                                             ("meg", "Megan Bowen")])
async def test_typed_name_first_name_number_or_prefix_chooses_the_pairing(world, answer, partner):
    await alex_in_two_pairs(world)
    chat = world.chat(ALEX)
    assert "Which pairing do you mean?" in text_of(await chat.say("sessions"))
    assert f"Sessions with {partner}" in text_of(await chat.say(answer))


async def test_a_wrong_answer_gets_the_short_retry(world):
    await alex_in_two_pairs(world)
    chat = world.chat(ALEX)
    await chat.say("sessions")
    replies = await chat.say("Sam")
    assert [a.text for a in replies] == ["Say 1 for Megan Bowen or 2 for Adele Vance."]
    assert "Sessions with Megan Bowen" in text_of(await chat.say("1"))


async def test_the_pairing_card_shows_whole_labels_in_a_labelled_list_and_says_typing_works(world):
    await alex_in_two_pairs(world)
    replies = await world.chat(ALEX).say("sessions")
    assert len(replies) == 1 and replies[0].summary == "Which pairing do you mean?"
    card = only_card(replies)
    assert "type its number or name" in text_of(replies) or "type a number or name" in text_of(replies)
    (choices,) = [b for b in card["body"] if b["type"] == "Input.ChoiceSet"]
    assert choices["label"] and choices["wrap"] is True
    assert [c["title"] for c in choices["choices"]] == ["1. Megan Bowen (your mentor, Pilot)", "2. Adele Vance (your mentee, Second pilot)"]
    assert [a["type"] for a in card["actions"]] == ["Action.Execute"]


async def test_pressing_a_choice_button_reaches_the_waiting_prompt_and_replaces_the_card(world):
    await alex_in_two_pairs(world)
    chat = world.chat(ALEX)
    card = only_card(await chat.say("sessions"))
    button = card["actions"][0]
    status, body, sent = await press(chat, verbs.CHOICE, {**button["data"], "choice": "2"})  # the list's value
    assert status == 200 and body["type"] == CARD
    assert "You chose: Adele Vance (your mentee, Second pilot)" in str(body["value"]) and "actions" not in body["value"]
    assert "Sessions with Adele Vance" in text_of(sent)


async def test_a_press_on_an_old_card_is_out_of_date_and_changes_nothing(world):
    await alex_in_two_pairs(world)
    chat = world.chat(ALEX)
    old = only_card(await chat.say("sessions"))["actions"][0]["data"]
    await chat.say("cancel")
    await chat.say("sessions")  # a new question with a new card
    status, body, sent = await press(chat, verbs.CHOICE, {**old, "choice": "1"})
    assert body["type"] == MESSAGE and "already been answered" in body["value"] and sent == []
    assert "Sessions with Adele Vance" in text_of(await chat.say("adele"))  # the new question still waits


async def test_a_press_with_nothing_waiting_is_out_of_date(world):
    await alex_in_two_pairs(world)
    status, body, _ = await press(world.chat(ALEX), verbs.CHOICE, {"token": "stale", "choice": "1"})
    assert body["type"] == MESSAGE and "already been answered" in body["value"]


async def draft_to_review(world: World, chat) -> None:
    await chat.say("contract")
    await chat.say("Learn about stop and search; Speak up in senior meetings")
    await chat.say("monthly")
    await chat.say("60")
    await chat.say("teams")
    await chat.say("default")


async def test_contract_menu_puts_send_it_first_and_discard_in_reach_within_teams_limits(world):
    pair_id = await world.pair(MANAGER, MEGAN, ADELE)
    chat = world.chat(ADELE)
    await draft_to_review(world, chat)
    replies = await chat.say("default")
    menu = [a.attachments[0].content for a in replies if a.attachments][-1]
    titles = [a["title"] for a in menu["actions"]]
    assert titles == ["Send it", "Discard", "Change this clause"] and len(titles) <= MAX_ACTIONS
    (clauses,) = [b for b in menu["body"] if b["type"] == "Input.ChoiceSet"]
    assert len(clauses["choices"]) == 9 and clauses["label"] == "Change a clause"
    status, body, sent = await press(chat, verbs.CHOICE, action_titled(menu, "Send it")["data"])
    assert "You chose: Send it" in str(body["value"]) and "Sent version 1" in text_of(sent)
    assert (await world.services.ctx.repos.pairs.contract(pair_id)).pending.number == 1


async def test_contract_clause_chosen_from_the_list_by_pressing(world):
    await world.pair(MANAGER, MEGAN, ADELE)
    chat = world.chat(ADELE)
    await draft_to_review(world, chat)
    menu = [a.attachments[0].content for a in await chat.say("default") if a.attachments][-1]
    data = {**action_titled(menu, "Change this clause")["data"], "choice": "2"}  # Action.Execute merges the list's value
    _, body, sent = await press(chat, verbs.CHOICE, data)
    assert "You chose: How often" in str(body["value"]) and "How often will you meet?" in text_of(sent)
    cadence = only_card(sent)
    assert [a["title"] for a in cadence["actions"]] == ["Fortnightly", "Monthly", "Every six weeks"]
    _, _, sent = await press(chat, verbs.CHOICE, action_titled(cadence, "Every six weeks")["data"])
    assert "Every six weeks" in text_of(sent) or "every six weeks" in text_of(sent)


async def test_contract_menu_typed_send_and_clause_prefix_work(world):
    pair_id = await world.pair(MANAGER, MEGAN, ADELE)
    chat = world.chat(ADELE)
    await draft_to_review(world, chat)
    await chat.say("default")
    assert "When should the contract end" in text_of(await chat.say("end"))
    await chat.say("keep")
    assert "send it" in text_of(await chat.say("date")).lower()  # "end date" or "review date": asked again, briefly
    assert "Sent version 1" in text_of(await chat.say("send"))
    assert (await world.services.ctx.repos.pairs.contract(pair_id)).pending.number == 1


async def test_share_choice_by_button_or_yes(world):
    pair_id = await world.pair(MANAGER, MEGAN, ADELE)
    await world.agree_contract(pair_id, MEGAN, ADELE)
    await world.hold_session(pair_id, MEGAN, ADELE)
    chat = world.chat(ADELE)
    await chat.say("reflect")
    for answer in ("We talked about stop and search", "How complaints work", "Read the report"):
        await chat.say(answer)
    rating = only_card(await chat.say("very"))  # "very useful" is 5; the next question is a card
    assert [a["title"] for a in rating["actions"]] == ["Keep it private", "Share with partner"]
    _, body, sent = await press(chat, verbs.CHOICE, action_titled(rating, "Share with partner")["data"])
    assert "shared with your partner" in text_of(sent)
    own, _ = await world.services.reflections.mine(ADELE)
    assert own[0].rating == 5 and own[0].shared_with_partner


async def booked_pair(world: World) -> str:
    pair_id = await world.pair(MANAGER, MEGAN, ADELE)
    await world.agree_contract(pair_id, MEGAN, ADELE)
    return pair_id


async def test_a_session_can_be_proposed_in_natural_words(world):
    pair_id = await booked_pair(world)
    chat = world.chat(ADELE)
    assert "next Tuesday at 10" in text_of(await chat.say("schedule"))  # the prompt gives a natural example
    assert "Proposed Tue 12 Jan 2027, 10:00" in text_of(await chat.say("next Tuesday at 10"))
    (session,) = (await world.services.ctx.repos.pairs.schedule(pair_id)).sessions
    assert session.starts_at.isoformat() == "2027-01-12T10:00:00+00:00"


async def test_half_an_answer_is_said_back_and_the_next_answer_completes_it(world):
    pair_id = await booked_pair(world)
    chat = world.chat(ADELE)
    await chat.say("schedule")
    assert "I got Wednesday 13 January; what time?" in text_of(await chat.say("Wednesday"))
    assert "Proposed Wed 13 Jan 2027, 15:00" in text_of(await chat.say("3pm"))
    assert len((await world.services.ctx.repos.pairs.schedule(pair_id)).sessions) == 1


async def test_pause_reminders_for_a_month(world):
    await world.pair(MANAGER, MEGAN, ADELE)
    replies = text_of(await world.chat(ADELE).say("pause reminders for a month"))
    assert "Reminders paused until" in replies and "11 Feb 2027" in replies


async def test_my_reflections_offers_to_write_the_one_still_to_do(world):
    pair_id = await booked_pair(world)
    session = await world.hold_session(pair_id, MEGAN, ADELE)
    replies = await world.chat(ADELE).say("my reflections")
    cards = [a.attachments[0].content for a in replies]
    assert "You haven't written any yet" in text_of(replies)
    (button,) = cards[-1]["actions"]
    assert button["title"] == "Write my reflection" and button["data"] == {"pairId": pair_id, "sessionId": session.id}


async def test_a_command_typed_while_a_choice_waits_is_told_how_to_get_there(world):
    await world.pair(MANAGER, MEGAN, ADELE)
    chat = world.chat(ADELE)
    await draft_to_review(world, chat)
    await chat.say("default")
    replies = text_of(await chat.say("sessions"))
    assert "say **cancel** to stop it and then **sessions**" in replies and "**send it**" in replies
    assert "Cancelled" in text_of(await chat.say("cancel"))
    assert "Sessions with Megan Bowen" in text_of(await chat.say("sessions"))
