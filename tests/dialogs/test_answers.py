"""Questions answered in words, numbers and dates can be answered by pressing alone: buttons for the usual
answers, a labelled box or picker for anything else. A pressed answer goes through the same check as a
typed one; a refused press keeps the card to fix, and the chat says why."""

from __future__ import annotations

from datetime import date

from bot.domain.contracts import CONFIDENTIALITY_LIMIT
from cards import verbs
from dialogs.answers import said_by_press
from tests.dialogs.harness import World, press, text_of, user

MANAGER, MEGAN, ADELE = user("Manager"), user("Megan Bowen"), user("Adele Vance")
CARD = "application/vnd.microsoft.card.adaptive"
MESSAGE = "application/vnd.microsoft.activity.message"


def last_card(activities) -> dict:
    cards = [a.attachments[0].content for a in activities if a.attachments]
    assert cards, text_of(activities)
    return cards[-1]


def buttons(card: dict) -> list[dict]:
    """Every button on the card: its actions and those in the body's action sets, in reading order."""
    inner = [a for block in card["body"] if block["type"] == "ActionSet" for a in block["actions"]]
    return inner + card.get("actions", [])


def button(card: dict, title: str) -> dict:
    found = [a for a in buttons(card) if a["title"] == title]
    assert found, f"no {title!r} on {[a['title'] for a in buttons(card)]}"
    return found[0]


def inputs(card: dict) -> dict[str, dict]:
    return {block["id"]: block for block in card["body"] if block["type"].startswith("Input.")}


async def tap(chat, card: dict, title: str, **entered: str):
    """Press a button with the card's inputs as entered (the client merges them into the data)."""
    return await press(chat, verbs.CHOICE, {**button(card, title)["data"], **entered})


async def test_a_newcomer_drafts_and_sends_the_contract_by_pressing_alone(world: World):
    pair_id = await world.pair(MANAGER, MEGAN, ADELE)
    chat = world.chat(ADELE)
    goals = last_card(await chat.say("contract"))
    box = inputs(goals)["text"]
    assert box["type"] == "Input.Text" and box["isMultiline"] and box["label"] == "Your goals, one per line"
    status, body, sent = await tap(chat, goals, "Save my goals", text="Learn about stop and search\nSpeak up in meetings")
    assert status == 200 and "Your answer" in str(body["value"]) and "actions" not in body["value"]
    _, _, sent = await tap(chat, last_card(sent), "Monthly")
    length = last_card(sent)
    assert [a["title"] for a in buttons(length)] == ["30 minutes", "45 minutes", "60 minutes", "90 minutes"]
    _, body, sent = await tap(chat, length, "45 minutes")
    assert "Your answer: 45 minutes" in str(body["value"])
    _, _, sent = await tap(chat, last_card(sent), "Teams call")
    contact = last_card(sent)
    assert inputs(contact)["text"]["value"]  # the suggested wording, ready to edit
    _, _, sent = await tap(chat, contact, "Keep this wording")
    _, _, sent = await tap(chat, last_card(sent), "Use my wording", text="No calls after 8pm")
    menu = last_card(sent)
    _, _, sent = await tap(chat, menu, "Change this clause", choice="8")  # End date
    end = last_card(sent)
    assert inputs(end)["day"]["type"] == "Input.Date" and inputs(end)["day"]["max"] == "2027-07-11"
    _, body, sent = await tap(chat, end, "Use this date", day="2027-06-30")
    assert "Your answer: Wed 30 Jun 2027" in str(body["value"])
    _, _, sent = await tap(chat, last_card(sent), "Change this clause", choice="7")  # Confidentiality
    _, _, sent = await tap(chat, last_card(sent), "Nothing to add")
    _, _, sent = await tap(chat, last_card(sent), "Send it")
    assert "Sent version 1" in text_of(sent)
    clauses = (await world.services.ctx.repos.pairs.contract(pair_id)).pending.clauses
    assert clauses.goals == ("Learn about stop and search", "Speak up in meetings")
    assert clauses.meeting_minutes == 45 and clauses.boundaries == "No calls after 8pm"
    assert clauses.end_date == date(2027, 6, 30) and clauses.confidentiality == CONFIDENTIALITY_LIMIT


async def test_a_refused_press_keeps_the_card_to_fix_and_says_why(world: World):
    await world.pair(MANAGER, MEGAN, ADELE)
    chat = world.chat(ADELE)
    goals = last_card(await chat.say("contract"))
    status, body, sent = await tap(chat, goals, "Save my goals", text="a\nb\nc\nd")
    assert status == 200 and body["type"] == CARD and body["value"] == goals  # the same card, inputs and all
    assert "1 to 3 goals" in text_of(sent) and not [a for a in sent if a.attachments]  # why, not the card again
    _, body, sent = await tap(chat, goals, "Save my goals", text="a\nb")
    assert "Your answer" in str(body["value"]) and "How often will you meet?" in text_of(sent)


async def test_buttons_beside_a_field_leave_its_inputs_out(world: World):
    await world.pair(MANAGER, MEGAN, ADELE)
    chat = world.chat(ADELE)
    for answer in ("contract", "a", "monthly", "60", "teams"):
        replies = await chat.say(answer)
    contact = last_card(replies)
    keep = button(contact, "Keep this wording")
    assert keep["associatedInputs"] == "none"  # an empty required box never blocks it
    assert button(contact, "Use my wording").get("associatedInputs") is None  # this one sends the box


async def test_an_old_answer_card_is_out_of_date_once_the_answer_was_typed(world: World):
    await world.pair(MANAGER, MEGAN, ADELE)
    chat = world.chat(ADELE)
    goals = last_card(await chat.say("contract"))
    assert "How often will you meet?" in text_of(await chat.say("Learn about stop and search"))
    _, body, sent = await tap(chat, goals, "Save my goals", text="Something else")
    assert body["type"] == MESSAGE and "already been answered" in body["value"] and sent == []


async def booked_pair(world: World) -> str:
    pair_id = await world.pair(MANAGER, MEGAN, ADELE)
    await world.agree_contract(pair_id, MEGAN, ADELE)
    return pair_id


async def test_schedule_offers_suggested_weekday_times_as_whole_buttons(world: World):
    await booked_pair(world)
    card = last_card(await world.chat(ADELE).say("schedule"))
    suggested = [b for block in card["body"] if block["type"] == "ActionSet" for b in block["actions"]]
    assert len(suggested) == 3
    for slot in suggested:  # "Wed 13 Jan 2027, 10:00 GMT": a weekday, in daytime, in the one date format
        day, _, at = slot["title"].partition(", ")
        assert day[:3] in {"Mon", "Tue", "Wed", "Thu", "Fri"} and "08:00" <= at[:5] <= "19:00" and at.endswith("GMT")
    assert [i["type"] for i in inputs(card).values()] == ["Input.Date", "Input.Time"]
    assert all(i["label"] for i in inputs(card).values()) and card["actions"][0]["title"] == "Propose this time"


async def test_a_suggested_time_is_proposed_with_one_press(world: World):
    pair_id = await booked_pair(world)
    chat = world.chat(ADELE)
    card = last_card(await chat.say("schedule"))
    first = next(b for block in card["body"] if block["type"] == "ActionSet" for b in block["actions"])
    status, body, sent = await press(chat, verbs.CHOICE, first["data"])
    assert status == 200 and f"Your answer: {first['title']}" in str(body["value"])
    assert f"Proposed {first['title']}" in text_of(sent)
    (session,) = (await world.services.ctx.repos.pairs.schedule(pair_id)).sessions
    assert session.starts_at > world.clock.now()


async def test_a_picked_day_and_time_is_proposed_and_a_past_one_is_refused_on_the_same_card(world: World):
    pair_id = await booked_pair(world)
    chat = world.chat(ADELE)
    card = last_card(await chat.say("schedule"))
    _, body, sent = await tap(chat, card, "Propose this time", day="2027-01-04", time="10:00")
    assert body["value"] == card and "That time has passed" in text_of(sent)
    assert (await world.services.ctx.repos.pairs.schedule(pair_id)).sessions == ()
    _, body, sent = await tap(chat, card, "Propose this time", day="2027-01-14", time="14:30")
    assert "Your answer: Thu 14 Jan 2027, 14:30" in str(body["value"])
    assert "Proposed Thu 14 Jan 2027, 14:30" in text_of(sent)


def test_a_press_reads_as_the_typed_answer_it_stands_for():
    assert said_by_press({"answer": "default", "text": "ignored"}) == ("default", "default")
    assert said_by_press({"text": "  No calls after 8pm "}) == ("  No calls after 8pm ", "No calls after 8pm")
    assert said_by_press({"day": "2027-01-14", "time": "14:30"}) == ("14/01/2027 14:30", "Thu 14 Jan 2027, 14:30")
    assert said_by_press({"day": "2027-01-14"}) == ("14/01/2027", "Thu 14 Jan 2027")
    assert said_by_press({"day": "soon"}) == ("soon", "soon")
    assert said_by_press({"token": "t"}) is None and said_by_press({"text": "   "}) is None


# Typing only: what a card's button does can be said in the chat too ------------------------------
async def test_the_partner_accepts_a_contract_and_then_a_session_by_typing(world: World):
    pair_id = await world.pair(MANAGER, MEGAN, ADELE)
    adele, megan = world.chat(ADELE), world.chat(MEGAN)
    assert "nothing waiting for you to accept" in text_of(await megan.say("accept"))
    for answer in ("contract", "Learn about stop and search", "monthly", "60", "teams", "default", "default", "send it"):
        await adele.say(answer)
    assert "nothing waiting for you to accept" in text_of(await adele.say("accept"))  # her own proposal is not hers to accept
    assert "the contract is in force" in text_of(await megan.say("accept"))
    assert (await world.services.ctx.repos.pairs.contract(pair_id)).in_force.number == 1
    await adele.say("schedule")
    await adele.say("next wednesday at 11")
    assert "Session booked" in text_of(await megan.say("I accept"))
    (session,) = (await world.services.ctx.repos.pairs.schedule(pair_id)).sessions
    assert session.status.value == "confirmed"


async def test_accept_asks_which_when_a_contract_and_a_session_both_wait(world: World):
    pair_id = await world.pair(MANAGER, MEGAN, ADELE)
    await world.agree_contract(pair_id, MEGAN, ADELE)
    from tests.domain.builders import clauses
    from datetime import timedelta

    await world.services.contracts.propose(ADELE, pair_id, clauses())
    await world.services.sessions.propose(ADELE, pair_id, world.clock.now() + timedelta(days=2))
    megan = world.chat(MEGAN)
    assert "**accept contract** or **accept session**" in text_of(await megan.say("accept"))
    await megan.say("accept session")
    (session,) = (await world.services.ctx.repos.pairs.schedule(pair_id)).sessions
    assert session.status.value == "confirmed" and (await world.services.ctx.repos.pairs.contract(pair_id)).pending.number == 2


async def test_we_met_and_we_didnt_meet_answer_the_session_waiting(world: World):
    pair_id = await world.pair(MANAGER, MEGAN, ADELE)
    await world.agree_contract(pair_id, MEGAN, ADELE)
    from datetime import timedelta

    s = world.services.sessions
    first = await s.propose(ADELE, pair_id, world.clock.now() + timedelta(days=2))
    await s.accept(MEGAN, pair_id, first.id)
    assert "No session is waiting" in text_of(await world.chat(ADELE).say("we met"))
    world.clock.advance(timedelta(days=3))
    assert "Waiting for Megan Bowen to confirm" in text_of(await world.chat(ADELE).say("we met"))
    assert "You both confirmed it happened" in text_of(await world.chat(MEGAN).say("yes it happened"))
    second = await s.propose(ADELE, pair_id, world.clock.now() + timedelta(days=2))
    await s.accept(MEGAN, pair_id, second.id)
    world.clock.advance(timedelta(days=3))
    assert "Recorded that it didn't happen" in text_of(await world.chat(MEGAN).say("we didn't meet"))
    statuses = [x.status.value for x in (await world.services.ctx.repos.pairs.schedule(pair_id)).sessions]
    assert sorted(statuses) == ["held", "not held"]


async def test_help_at_the_review_menu_after_drafting_explains_the_menu_and_asks_again(world: World):
    """It used to fail: the review runs inside the draft, and the SDK could not find it to re-prompt."""
    await world.pair(MANAGER, MEGAN, ADELE)
    chat = world.chat(ADELE)
    for answer in ("contract", "Learn about stop and search", "monthly", "60", "teams", "default", "default"):
        await chat.say(answer)
    replies = text_of(await chat.say("help"))
    assert "Pick a clause to change" in replies and "Change a clause, or send it?" in replies
    assert "Cancelled" in text_of(await chat.say("cancel"))
    assert "Sessions with Megan Bowen" in text_of(await chat.say("sessions"))  # nothing left waiting


async def test_an_end_date_after_the_programme_is_refused_when_given_not_when_sending(world: World):
    pair_id = await world.pair(MANAGER, MEGAN, ADELE)
    chat = world.chat(ADELE)
    for answer in ("contract", "Learn about stop and search", "monthly", "60", "teams", "default", "default", "end"):
        await chat.say(answer)
    assert "Please pick an end date from Tue 12 Jan 2027 to Sun 11 Jul 2027." in text_of(await chat.say("31/12/2031"))
    await chat.say("30 June 2027")
    assert "Sent version 1" in text_of(await chat.say("send it"))
    assert (await world.services.ctx.repos.pairs.contract(pair_id)).pending.clauses.end_date == date(2027, 6, 30)
