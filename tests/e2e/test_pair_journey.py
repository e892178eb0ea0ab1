"""One whole pair journey through the real Teams client (Agents Playground) and the real bot."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from bot.domain.uktime import to_uk
from tests.e2e.processes import PLAYGROUND_ADMIN

PROGRAMME = "Reverse mentoring pilot"
MEGAN_PRIVATE = "Megan's private note: the stop and search figures surprised me"
ADELE_PRIVATE = "Adele's private note: I felt nervous about challenging a commander"


def mention(user: dict) -> dict:
    return {"mentioned": {"id": user["id"], "name": user["name"]}, "text": f"<at>{user['name']}</at>"}


async def test_pair_journey_from_install_to_private_reflections_survives_restart(playground, bot):
    assert (await bot.health())["store"] == bot.engine
    pg = playground
    alex, megan, adele = pg.me, pg.user("Megan Bowen"), pg.user("Adele Vance")
    bot_account = {"id": pg.bot_id, "name": pg.config["bot"]["name"]}
    assert alex["aadObjectId"] == PLAYGROUND_ADMIN  # the administrator named in TANDEM_ADMINS

    # Install: Alex (a programme manager) is welcomed in their personal chat.
    await pg.install(pg.personal_chat)
    await pg.wait_for(lambda m: m.conversation_id == pg.personal_chat and "Hello, I'm Tandem" in m.all_text)
    await pg.reply_to(pg.personal_chat, alex["id"], f"new programme {PROGRAMME}", f"Created **{PROGRAMME}**")

    # In the group chat Tandem answers only when @mentioned; Alex pairs Megan (mentor) with Adele (mentee).
    mark = len(pg.messages)
    await pg.say(pg.group_chat, alex["id"], "pair without mentioning the bot")
    await pg.say(pg.group_chat, alex["id"], f"<at>{bot_account['name']}</at> pair <at>Megan Bowen</at> <at>Adele Vance</at>",
                 mentions=[mention(bot_account), mention(megan), mention(adele)])
    await pg.wait_for(lambda m: m.conversation_id == pg.group_chat and "Paired Megan Bowen (mentor) with Adele Vance" in m.text, after=mark)
    assert not any("pair without" in m.text or "didn't understand" in m.text for m in pg.in_conversation(pg.group_chat))

    # Each is told in a personal chat of their own who their partner is.
    to_megan = await pg.wait_for(lambda m: "your mentee is Adele Vance" in m.all_text, after=mark)
    to_adele = await pg.wait_for(lambda m: "your mentor is Megan Bowen" in m.all_text, after=mark)
    megan_chat, adele_chat = to_megan.conversation_id, to_adele.conversation_id
    assert len({megan_chat, adele_chat, pg.group_chat, pg.personal_chat}) == 4

    # Contract: Adele (mentee) drafts, Megan accepts from the card, which is replaced in place.
    await pg.reply_to(adele_chat, adele["id"], "contract", "your goals")
    await pg.reply_to(adele_chat, adele["id"], "Understand policing of knife crime in Newham\nBuild confidence speaking to senior officers", "How often")
    await pg.reply_to(adele_chat, adele["id"], "monthly", "How long")
    await pg.reply_to(adele_chat, adele["id"], "45", "How will you meet")
    await pg.reply_to(adele_chat, adele["id"], "Teams call", "keep in touch")
    await pg.reply_to(adele_chat, adele["id"], "default", "boundaries")
    await pg.reply_to(adele_chat, adele["id"], "default", "Change a clause, or send it?")
    mark = len(pg.messages)
    await pg.say(adele_chat, adele["id"], "Send it")
    await pg.wait_for(lambda m: m.conversation_id == megan_chat and "Adele Vance proposed version 1" in m.all_text, after=mark)
    proposal = await pg.wait_for(lambda m: m.conversation_id == megan_chat and "Mentoring contract, version 1" in m.all_text, after=mark)
    assert "misconduct or a risk to someone's safety" in proposal.all_text  # the confidentiality limit is in the contract

    response = await pg.execute(proposal, megan["id"], "contract.accept")
    assert response["type"] == "application/vnd.microsoft.card.adaptive"
    assert "the contract is in force" in str(response["value"]) and "actions" not in response["value"]
    await pg.wait_for(lambda m: m.conversation_id == adele_chat and "your mentoring contract is in force" in m.all_text, after=mark)
    again = await pg.execute(proposal, megan["id"], "contract.accept")  # a stale copy of the card changes nothing
    assert "already in force" in str(again["value"])

    # A session: Adele proposes (bad input first), Megan accepts; the booking offers a Teams calendar link.
    start = to_uk(datetime.now(timezone.utc) + timedelta(days=2)).replace(hour=14, minute=0, second=0, microsecond=0)
    await pg.reply_to(adele_chat, adele["id"], "schedule", "When would you like to meet?")
    await pg.reply_to(adele_chat, adele["id"], "next tuesday-ish", "couldn't read")
    await pg.reply_to(adele_chat, adele["id"], "01/01/2020 10:00", "has passed")
    mark = len(pg.messages)
    await pg.say(adele_chat, adele["id"], start.strftime("%d/%m/%Y %H:%M"))
    offer = await pg.wait_for(lambda m: m.conversation_id == megan_chat and "Session proposed" in m.all_text, after=mark)
    booked = await pg.execute(offer, megan["id"], "session.accept")
    link = next(a["url"] for a in booked["value"]["actions"] if a["type"] == "Action.OpenUrl")
    assert link.startswith("https://teams.microsoft.com/l/meeting/new?")
    assert "example.com" not in link and "attendees" not in link  # the bot never hands over contact details
    await pg.wait_for(lambda m: m.conversation_id == adele_chat and "your session is booked" in m.all_text, after=mark)

    # After the session's time (the bot restarted three days on), the scheduler asks both whether it happened.
    mark = len(pg.messages)
    await bot.restart(clock_offset_minutes=3 * 24 * 60)
    for chat, user in ((megan_chat, megan), (adele_chat, adele)):
        check = await pg.wait_for(lambda m, c=chat: m.conversation_id == c and "Did your session happen?" in m.all_text, after=mark)
        await pg.execute(check, user["id"], "session.happened")
    asked = [m for m in pg.messages[mark:] if "Did your session happen?" in m.all_text]
    assert len(asked) == 2  # once each, however many sweeps ran
    prompts = {}
    for chat in (megan_chat, adele_chat):
        prompts[chat] = await pg.wait_for(lambda m, c=chat: m.conversation_id == c and "Time to reflect" in m.all_text)
        await pg.wait_for(lambda m, c=chat: m.conversation_id == c and "Book your next session" in m.all_text)

    # Reflections: each writes one; Adele's stays private.
    for chat, user, private in ((megan_chat, megan, MEGAN_PRIVATE), (adele_chat, adele, ADELE_PRIVATE)):
        mark = len(pg.messages)
        await pg.execute(prompts[chat], user["id"], "reflection.start")
        await pg.wait_for(lambda m, c=chat: m.conversation_id == c and "What did you discuss?" in m.all_text, after=mark)
        await pg.reply_to(chat, user["id"], private, "What did you learn?")
        await pg.reply_to(chat, user["id"], "How trust is built", "What will you do next?")
        await pg.reply_to(chat, user["id"], "Read the youth panel report", "How useful")
        await pg.reply_to(chat, user["id"], "4", "Share this reflection")
        await pg.reply_to(chat, user["id"], "no", "Reflection saved privately")

    mine = await pg.reply_to(megan_chat, megan["id"], "my reflections", "My reflections")
    assert MEGAN_PRIVATE in mine.all_text
    assert not any(ADELE_PRIVATE in m.all_text for m in pg.messages if m.conversation_id != adele_chat)

    # Adele asks for help: Alex, the manager, gets an alert card and acknowledges it from the card.
    mark = len(pg.messages)
    await pg.reply_to(adele_chat, adele["id"], "ask for help: we keep missing each other", "asked your programme manager")
    alert = await pg.wait_for(lambda m: m.conversation_id == pg.personal_chat and m.cards and "Help requested" in m.all_text, after=mark)
    assert "we keep missing each other" in alert.all_text and ADELE_PRIVATE not in alert.all_text
    acted = await pg.execute(alert, alex["id"], "alert.acknowledge")
    assert "Alex Wilber acknowledged" in str(acted["value"])
    assert not any("Help requested" in m.all_text for m in pg.messages[mark:] if m.conversation_id in (megan_chat, adele_chat))

    # Restarted again: everything is still there.
    await bot.restart(clock_offset_minutes=3 * 24 * 60)
    theirs = await pg.reply_to(adele_chat, adele["id"], "my reflections", "My reflections")
    assert ADELE_PRIVATE in theirs.all_text and MEGAN_PRIVATE not in theirs.all_text
    contract = await pg.reply_to(megan_chat, megan["id"], "contract", "Mentoring contract, version 1")
    assert "In force since" in contract.all_text

    # Local mode: the Playground's activities are unauthenticated, so no serviceUrl of theirs was kept.
    if bot.engine == "sqlite":
        import sqlite3

        with sqlite3.connect(bot.workdir / "tandem.sqlite3") as db:
            kept = [body for (body,) in db.execute("SELECT body FROM documents WHERE container IN ('people', 'programmes')")]
        assert kept and not any("localhost" in body or "/_connector" in body for body in kept)
