"""S2 through the real Teams client (Agents Playground) and the real bot: a six-month cross-sector scheme
between a force (City Police) and a company (Fabrikam), matched from launch-day choices. The manager sets
the programme up from its settings card, invites two people by @mention and two more by a roster file
imported with the command line into the store the running bot uses; each joins and fills in the profile
card, everyone ranks the people they met on the ranking card, `match stable` proposes pairs that span the
two organisations, the manager publishes them, a pair starts its contract from the match card, agrees it,
books a first session, and after it both say it happened."""

from __future__ import annotations

import asyncio
import os
import sys

from tests.e2e.playground import BotMessage
from tests.e2e.processes import ROOT
from tests.e2e.test_pair_journey import mention

PROGRAMME = "Launch day scheme"
CARD = "application/vnd.microsoft.card.adaptive"
FORCE, COMPANY = "City Police", "Fabrikam"
ORGANISATIONS = f"{FORCE}; {COMPANY}"  # positions 0 and 1 on the profile card's choice list


def replaced(message: BotMessage, response: dict) -> BotMessage:
    """The card that replaced `message`'s card after a press, as the client now shows it."""
    assert response["type"] == CARD, response
    return BotMessage(message.conversation_id, message.message_id, "", [{"contentType": CARD, "content": response["value"]}], {})


async def import_roster(bot, tmp_path, csv: str) -> str:
    """`python -m bot.cli roster import`, run by IT against the store the running bot uses."""
    path = tmp_path / "launch-day.csv"
    path.write_text(csv, encoding="utf-8")
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.cli", "roster", "import", str(path), "--programme", PROGRAMME,
        "--data", str(bot.workdir / "tandem.sqlite3"), cwd=ROOT, env={**os.environ, **bot.extra_env},
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
    out, _ = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode == 0, out.decode()
    return out.decode()


async def open_personal_chat(pg, user: dict) -> str:
    """The person opens Tandem for the first time: Teams makes their personal chat with it."""
    body = {"isGroup": False, "bot": {"id": pg.bot_id}, "members": [{"id": user["id"], "name": user["name"]}],
            "tenantId": pg.config["tenantId"], "channelData": {"tenant": {"id": pg.config["tenantId"]}}}
    async with pg.http.post(f"{pg.base_url}/_connector/v3/conversations", json=body) as r:
        assert r.status in (200, 201), await r.text()
        return (await r.json())["id"]


async def test_s2_cross_sector_launch_day_choices_matched_stable_and_a_first_session_held(playground, bot, tmp_path):
    pg = playground
    alex = pg.me
    people = {name: pg.user(name) for name in ("Megan Bowen", "Isaiah Langer", "Adele Vance", "Lynne Robbins")}
    emails = {name: people[name]["email"].lower() for name in people}
    organisation = {"Megan Bowen": COMPANY, "Isaiah Langer": COMPANY, "Adele Vance": FORCE, "Lynne Robbins": FORCE}
    bot_account = {"id": pg.bot_id, "name": pg.config["bot"]["name"]}
    await pg.install(pg.personal_chat)
    await pg.reply_to(pg.personal_chat, alex["id"], f"new programme {PROGRAMME}", "Created")

    # Set up from the settings card: cross-sector, matched from launch-day choices, two organisations.
    settings = await pg.reply_to(pg.personal_chat, alex["id"], "programme settings", f"Settings for {PROGRAMME}")
    saved = await pg.press(settings, alex["id"], "Save settings", kind="cross-sector", matching="stable",
                           focusAreas="leadership; data and technology", organisations=ORGANISATIONS, cadence="monthly")
    assert "Saved." in str(saved["value"]) and "Cross-sector" in str(saved["value"])

    # Two invited by @mention in the group chat: their join cards arrive in their personal chats.
    chats, join_cards = {}, {}
    for name, role in (("Megan Bowen", "mentor"), ("Adele Vance", "mentee")):
        mark = len(pg.messages)
        await pg.say(pg.group_chat, alex["id"], f"<at>{bot_account['name']}</at> invite <at>{name}</at> as {role}s",
                     mentions=[mention(bot_account), mention(people[name])])
        join_cards[name] = await pg.wait_for(lambda m: "I agree: join" in m.all_text and m.conversation_id != pg.group_chat, after=mark)
        chats[name] = join_cards[name].conversation_id

    # Two more from the roster file, imported by IT while the bot runs; they're invited when they first open Tandem.
    roster = ("email,name,role,organisation\n"
              f"{emails['Isaiah Langer']},Isaiah Langer,mentor,{COMPANY}\n{emails['Lynne Robbins']},Lynne Robbins,mentee,{FORCE}\n")
    assert "1 mentee, 1 mentor" in await import_roster(bot, tmp_path, roster)
    for name in ("Isaiah Langer", "Lynne Robbins"):
        chats[name] = await open_personal_chat(pg, people[name])
        join_cards[name] = await pg.reply_to(chats[name], people[name]["id"], "hello", "I agree: join")
        assert f"invited to join {PROGRAMME} as a" in join_cards[name].all_text

    # Each joins, and the card becomes their profile: organisation and focus areas from the programme's lists.
    for name, card in join_cards.items():
        profile = replaced(card, await pg.press(card, people[name]["id"], "I agree: join"))
        assert "You joined as a" in profile.all_text and "Your profile in" in profile.all_text
        inputs = {"jobTitle": "Analyst" if organisation[name] == COMPANY else "Sergeant",
                  "organisation": "1" if organisation[name] == COMPANY else "0", "focusAreas": "0,1",
                  "wants": "To understand how the other side works", "availability": "Thursday afternoons"}
        if organisation[name] == COMPANY:
            inputs["capacity"] = "1"
        done = await pg.press(profile, people[name]["id"], "Save my profile", **inputs)
        assert "Saved your profile" in str(done["value"]) and organisation[name] in str(done["value"])
    roster_card = await pg.reply_to(pg.personal_chat, alex["id"], "roster", "Who's taking part")
    assert roster_card.all_text.count("2 joined, 0 invited") == 2  # mentees and mentors, by invite and by the file
    assert "Open rankings" in roster_card.all_text

    # Launch day is over: everyone ranks the people they met, on the ranking card.
    mark = len(pg.messages)
    opened = await pg.press(roster_card, alex["id"], "Open rankings")
    assert "Sent 4 people" in str(opened["value"])
    wanted = {"Adele Vance": "Isaiah Langer", "Lynne Robbins": "Megan Bowen", "Megan Bowen": "Lynne Robbins",
              "Isaiah Langer": "Adele Vance"}  # first choices; the other person second
    others = {"Adele Vance": "Megan Bowen", "Lynne Robbins": "Isaiah Langer", "Megan Bowen": "Adele Vance",
              "Isaiah Langer": "Lynne Robbins"}
    for name in people:
        card = await pg.wait_for(lambda m, c=chats[name]: m.conversation_id == c and "1st choice" in m.all_text, after=mark)
        twice = await pg.press(card, people[name]["id"], "Save my choices", choice1=emails[wanted[name]], choice2=emails[wanted[name]])
        assert "more than once" in str(twice["value"])  # refused kindly, the card back as it was
        chosen = await pg.press(card, people[name]["id"], "Save my choices", choice1=emails[wanted[name]], choice2=emails[others[name]])
        assert "Saved your choices" in str(chosen["value"])

    # match stable: pairs from everyone's choices, each spanning the two organisations; published with one press.
    proposal = await pg.reply_to(pg.personal_chat, alex["id"], "match stable", "Proposed pairs")
    assert "2 pairs, by stable matching" in proposal.all_text
    assert "Isaiah Langer and Adele Vance" in proposal.all_text and "Megan Bowen and Lynne Robbins" in proposal.all_text
    assert f"spans organisations: {COMPANY} and {FORCE}" in proposal.all_text
    mark = len(pg.messages)
    published = await pg.press(proposal, alex["id"], "Publish these pairs")
    assert "Published 2 pairs" in str(published["value"])
    adele, isaiah = people["Adele Vance"], people["Isaiah Langer"]
    match_card = await pg.wait_for(lambda m: m.conversation_id == chats["Adele Vance"] and "You've been paired" in m.all_text, after=mark)
    assert "Isaiah Langer" in match_card.all_text
    await pg.wait_for(lambda m: m.conversation_id == chats["Megan Bowen"] and "You've been paired" in m.all_text
                      and "Lynne Robbins" in m.all_text, after=mark)

    # Adele starts their contract from the match card; Isaiah accepts it.
    mark = len(pg.messages)
    started = await pg.press(match_card, adele["id"], "Draft the contract")
    assert started["type"] == CARD
    await pg.wait_for(lambda m: m.conversation_id == chats["Adele Vance"] and "your goals" in m.all_text, after=mark)
    for said, expect in (("Learn how a company runs its data teams", "How often"), ("monthly", "How long"), ("60", "How will you meet"),
                         ("teams", "keep in touch"), ("default", "boundaries"), ("default", "Change a clause, or send it?")):
        await pg.reply_to(chats["Adele Vance"], adele["id"], said, expect)
    mark = len(pg.messages)
    await pg.say(chats["Adele Vance"], adele["id"], "send it")
    await pg.wait_for(lambda m: m.conversation_id == chats["Isaiah Langer"] and "Mentoring contract, version 1" in m.all_text, after=mark)
    await pg.reply_to(chats["Isaiah Langer"], isaiah["id"], "accept", "the contract is in force")

    # Their first session, booked and accepted; after it (the bot restarted ten days on) both say it happened.
    await pg.reply_to(chats["Adele Vance"], adele["id"], "schedule", "When would you like to meet?")
    mark = len(pg.messages)
    await pg.say(chats["Adele Vance"], adele["id"], "next wednesday at 11")
    await pg.wait_for(lambda m: m.conversation_id == chats["Isaiah Langer"] and "Session proposed" in m.all_text, after=mark)
    await pg.reply_to(chats["Isaiah Langer"], isaiah["id"], "accept", "Session booked")
    mark = len(pg.messages)
    await bot.restart(clock_offset_minutes=10 * 24 * 60)
    check = await pg.wait_for(lambda m: m.conversation_id == chats["Isaiah Langer"] and "Did your session happen?" in m.all_text, after=mark)
    first = await pg.execute(check, isaiah["id"], "session.happened")
    assert "Waiting for Adele Vance to confirm" in str(first["value"])
    await pg.reply_to(chats["Adele Vance"], adele["id"], "we met", "You both confirmed it happened")
