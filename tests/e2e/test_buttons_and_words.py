"""A newcomer finishes the contract, a session booking and a reflection through the real Teams client
(Agents Playground) and the real bot: once by pressing buttons only (filling in a card's box or picker
where the answer is their own words), and once by typing only (numbers, names, natural dates)."""

from __future__ import annotations

from datetime import date, timedelta

from tests.e2e.test_pair_journey import PROGRAMME, mention

CARD = "application/vnd.microsoft.card.adaptive"


async def pair_up(pg):
    """The administrator starts the programme and pairs Megan (mentor) with Adele (mentee) in the group chat."""
    alex, megan, adele = pg.me, pg.user("Megan Bowen"), pg.user("Adele Vance")
    bot_account = {"id": pg.bot_id, "name": pg.config["bot"]["name"]}
    await pg.install(pg.personal_chat)
    await pg.reply_to(pg.personal_chat, alex["id"], f"new programme {PROGRAMME}", "Created")
    mark = len(pg.messages)
    await pg.say(pg.group_chat, alex["id"], f"<at>{bot_account['name']}</at> pair <at>Megan Bowen</at> <at>Adele Vance</at>",
                 mentions=[mention(bot_account), mention(megan), mention(adele)])
    to_adele = await pg.wait_for(lambda m: "your mentor is Megan Bowen" in m.all_text, after=mark)
    to_megan = await pg.wait_for(lambda m: "your mentee is Adele Vance" in m.all_text, after=mark)
    return megan, adele, to_megan.conversation_id, to_adele


async def test_newcomer_finishes_contract_booking_and_reflection_by_pressing_only(playground, bot):
    pg = playground
    megan, adele, megan_chat, welcome = await pair_up(pg)
    adele_chat = welcome.conversation_id

    async def press(message, title, expect, who=adele, chat=None, **inputs):
        """Press a button on `message` (inputs as filled in) and wait for the bot's next message containing `expect`."""
        mark = len(pg.messages)
        response = await pg.press(message, who["id"], title, **inputs)
        assert response["type"] == CARD, response
        return await pg.wait_for(lambda m: m.conversation_id == (chat or adele_chat) and expect in m.all_text, after=mark)

    goals = await press(welcome, "Draft the contract", "your goals")
    cadence = await press(goals, "Save my goals", "How often", text="Learn about stop and search\nSpeak up in meetings")
    length = await press(cadence, "Monthly", "How long")
    meeting = await press(length, "60 minutes", "How will you meet?")
    contact = await press(meeting, "Teams call", "keep in touch")
    boundaries = await press(contact, "Keep this wording", "boundaries")
    menu = await press(boundaries, "Keep this wording", "Change a clause, or send it?")
    assert [a["title"] for a in menu.cards[0]["actions"]][:2] == ["Send it", "Discard"]
    offer = await press(menu, "Send it", "Mentoring contract, version 1", chat=megan_chat)
    in_force = await press(offer, "Accept", "your mentoring contract is in force", who=megan)

    # Booking: a suggested time, one press; Megan accepts with one press.
    when = await press(in_force, "Propose a time", "When would you like to meet?")
    suggested = [b for b in when.buttons if b.get("associatedInputs") == "none"]
    assert len(suggested) == 3, when.all_text[:800]
    proposal = await press(when, suggested[0]["title"], "Session proposed", chat=megan_chat)
    assert suggested[0]["title"] in proposal.all_text
    booked = await press(proposal, "Accept", "your session is booked", who=megan)

    # After it (the bot restarted nine days on), both confirm by button and Adele reflects by pressing.
    mark = len(pg.messages)
    await bot.restart(clock_offset_minutes=9 * 24 * 60)
    for chat, person in ((megan_chat, megan), (adele_chat, adele)):
        check = await pg.wait_for(lambda m, c=chat: m.conversation_id == c and "Did your session happen?" in m.all_text, after=mark)
        await pg.execute(check, person["id"], "session.happened")
    prompt = await pg.wait_for(lambda m: m.conversation_id == adele_chat and "Time to reflect" in m.all_text, after=mark)
    discussed = await press(prompt, "Write my reflection", "What did you discuss?")
    learned = await press(discussed, "Save my answer", "What did you learn?", text="Stop and search figures")
    next_steps = await press(learned, "Save my answer", "What will you do next?", text="How trust is built")
    rating = await press(next_steps, "Save my answer", "How useful", text="Read the report")
    share = await press(rating, "4", "Share this reflection")
    await press(share, "Keep it private", "Reflection saved privately")
    assert booked.conversation_id == adele_chat


async def test_newcomer_finishes_contract_booking_and_reflection_by_typing_only(playground, bot):
    pg = playground
    megan, adele, megan_chat, welcome = await pair_up(pg)
    adele_chat = welcome.conversation_id

    async def say(text, expect, who=adele, chat=None, to=None):
        """Type `text` in `chat` as `who`; wait for the bot's message containing `expect` in `to` (default: the same chat)."""
        chat = chat or adele_chat
        mark = len(pg.messages)
        await pg.say(chat, who["id"], text)
        return await pg.wait_for(lambda m: m.conversation_id == (to or chat) and expect in m.all_text, after=mark)

    await say("contract", "your goals")
    await say("Learn about stop and search; Speak up in meetings", "How often")
    await say("2", "How long")  # a number picks "Monthly"
    await say("60", "How will you meet?")
    await say("teams", "keep in touch")  # a clear prefix picks "Teams call"
    await say("default", "boundaries")
    await say("default", "Change a clause, or send it?")
    await say("end", "When should the contract end?")  # a clause by name
    ends = date.today() + timedelta(days=150)  # inside the programme's six months
    await say(f"{ends.day} {ends:%B %Y}", "Change a clause, or send it?")
    await say("send it", "Mentoring contract, version 1", to=megan_chat)
    await say("accept", "the contract is in force", who=megan, chat=megan_chat)

    await say("schedule", "When would you like to meet?")
    await say("next wednesday", "what time?")  # half an answer is said back
    proposal = await say("at 11", "Session proposed", to=megan_chat)
    assert "11:00" in proposal.all_text
    await say("accept", "Session booked", who=megan, chat=megan_chat)

    mark = len(pg.messages)
    await bot.restart(clock_offset_minutes=9 * 24 * 60)
    await pg.wait_for(lambda m: m.conversation_id == adele_chat and "Did your session happen?" in m.all_text, after=mark)
    await say("we met", "Waiting for Megan Bowen to confirm")
    await say("it happened", "You both confirmed it happened", who=megan, chat=megan_chat)
    await say("reflect", "What did you discuss?")
    await say("Stop and search figures", "What did you learn?")
    await say("How trust is built", "What will you do next?")
    await say("Read the report", "How useful")
    await say("very useful", "Share this reflection")
    await say("keep it private", "Reflection saved privately")
