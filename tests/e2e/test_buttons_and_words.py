"""A newcomer finishes the contract and a reflection by pressing buttons only, and books a session in
plain words, through the real Teams client (Agents Playground) and the real bot."""

from __future__ import annotations

from tests.e2e.test_pair_journey import PROGRAMME, mention


async def test_newcomer_drafts_by_buttons_books_in_words_and_reflects_by_buttons(playground, bot):
    pg = playground
    alex, megan, adele = pg.me, pg.user("Megan Bowen"), pg.user("Adele Vance")
    bot_account = {"id": pg.bot_id, "name": pg.config["bot"]["name"]}
    await pg.install(pg.personal_chat)
    await pg.reply_to(pg.personal_chat, alex["id"], f"new programme {PROGRAMME}", "Created")
    mark = len(pg.messages)
    await pg.say(pg.group_chat, alex["id"], f"<at>{bot_account['name']}</at> pair <at>Megan Bowen</at> <at>Adele Vance</at>",
                 mentions=[mention(bot_account), mention(megan), mention(adele)])
    adele_chat = (await pg.wait_for(lambda m: "your mentor is Megan Bowen" in m.all_text, after=mark)).conversation_id
    megan_chat = (await pg.wait_for(lambda m: "your mentee is Adele Vance" in m.all_text, after=mark)).conversation_id

    # The contract: every choice is a card button; only the goals are typed.
    await pg.reply_to(adele_chat, adele["id"], "contract", "your goals")
    cadence = await pg.reply_to(adele_chat, adele["id"], "Learn about stop and search; Speak up in meetings", "How often")
    pressed = await pg.press(cadence, adele["id"], "Monthly")
    assert "You chose: Monthly" in str(pressed["value"])
    mark = len(pg.messages)
    await pg.say(adele_chat, adele["id"], "60")
    meeting = await pg.wait_for(lambda m: m.conversation_id == adele_chat and "How will you meet?" in m.all_text, after=mark)
    mark = len(pg.messages)
    await pg.press(meeting, adele["id"], "Teams call")
    await pg.wait_for(lambda m: m.conversation_id == adele_chat and "keep in touch" in m.all_text, after=mark)
    await pg.reply_to(adele_chat, adele["id"], "default", "boundaries")
    menu = await pg.reply_to(adele_chat, adele["id"], "default", "Change a clause, or send it?")
    assert [a["title"] for a in menu.cards[0]["actions"]][:2] == ["Send it", "Discard"]
    mark = len(pg.messages)
    await pg.press(menu, adele["id"], "Send it")
    offer = await pg.wait_for(lambda m: m.conversation_id == megan_chat and "Mentoring contract, version 1" in m.all_text, after=mark)
    await pg.execute(offer, megan["id"], "contract.accept")

    # A session in plain words: half an answer is said back, then completed.
    await pg.reply_to(adele_chat, adele["id"], "schedule", "When would you like to meet?")
    await pg.reply_to(adele_chat, adele["id"], "next wednesday", "what time?")
    mark = len(pg.messages)
    await pg.say(adele_chat, adele["id"], "at 11")
    await pg.wait_for(lambda m: m.conversation_id == adele_chat and "Proposed" in m.all_text and "11:00" in m.all_text, after=mark)
    proposal = await pg.wait_for(lambda m: m.conversation_id == megan_chat and "Session proposed" in m.all_text, after=mark)
    await pg.execute(proposal, megan["id"], "session.accept")

    # After it: both confirm by button, and Adele reflects pressing the rating and the share choice.
    mark = len(pg.messages)
    await bot.restart(clock_offset_minutes=9 * 24 * 60)
    for chat, user in ((megan_chat, megan), (adele_chat, adele)):
        check = await pg.wait_for(lambda m, c=chat: m.conversation_id == c and "Did your session happen?" in m.all_text, after=mark)
        await pg.execute(check, user["id"], "session.happened")
    prompt = await pg.wait_for(lambda m: m.conversation_id == adele_chat and "Time to reflect" in m.all_text, after=mark)
    mark = len(pg.messages)
    await pg.execute(prompt, adele["id"], "reflection.start")
    await pg.wait_for(lambda m: m.conversation_id == adele_chat and "What did you discuss?" in m.all_text, after=mark)
    await pg.reply_to(adele_chat, adele["id"], "Stop and search figures", "What did you learn?")
    await pg.reply_to(adele_chat, adele["id"], "How trust is built", "What will you do next?")
    rating = await pg.reply_to(adele_chat, adele["id"], "Read the report", "How useful")
    mark = len(pg.messages)
    await pg.press(rating, adele["id"], "4")
    share = await pg.wait_for(lambda m: m.conversation_id == adele_chat and "Share this reflection" in m.all_text, after=mark)
    mark = len(pg.messages)
    await pg.press(share, adele["id"], "Keep it private")
    await pg.wait_for(lambda m: m.conversation_id == adele_chat and "Reflection saved privately" in m.all_text, after=mark)
