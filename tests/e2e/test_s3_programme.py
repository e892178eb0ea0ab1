"""S3 through the real Teams client (Agents Playground) and the real bot: the reverse-mentoring pilot. Three
young women from community organisations mentor three senior officers, one focus area each, meeting monthly
online, with a debrief at the end. The administrator creates the programme and sets it to reverse mentoring
with the three focus areas from its settings card; the six are invited by @mention and join by pressing
(the Playground's mock tenant has six people, so Alex, the administrator running the pilot, is also one
of its three officers);
the force's IT import the roster (organisations and focus areas) with `python -m bot.cli roster import`
into the store the running bot uses; `match` pairs each officer with the mentor sharing their focus area,
the young woman as mentor; one press publishes; a pair starts from its match card, agrees a monthly
online contract, books its first session and both say "we met"; the manager opens the debrief and records
the decision."""

from __future__ import annotations

import asyncio
import os
import sys
from datetime import datetime, timedelta, timezone

from bot.domain.uktime import to_uk
from tests.e2e.processes import ROOT
from tests.e2e.steps import CARD, invite_by_mention, join_all

PROGRAMME = "Reverse mentoring pilot"
FOCUS = ("knife crime", "domestic abuse", "social inequality")
MENTORS = {"Megan Bowen": "knife crime", "Adele Vance": "domestic abuse", "Lynne Robbins": "social inequality"}
OFFICERS = {"Alex Wilber": "knife crime", "Isaiah Langer": "domestic abuse", "Patti Fernandez": "social inequality"}
REVERSE_NOTE = "the mentor shares their lived experience with a senior officer"


async def import_roster(bot, path) -> tuple[int, str]:
    """`python -m bot.cli roster import` against the running bot's store (its data file, or its Cosmos DB)."""
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.cli", "roster", "import", str(path), "--programme", PROGRAMME,
        "--data", str(bot.workdir / "tandem.sqlite3"), cwd=ROOT, env={**os.environ, **bot.extra_env},
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
    output, _ = await asyncio.wait_for(process.communicate(), 120)
    return process.returncode, output.decode()


async def test_s3_reverse_pilot_set_up_matched_by_focus_area_met_and_debriefed(playground, bot, tmp_path):
    pg = playground
    alex = pg.me
    people = {name: pg.user(name) for name in (*MENTORS, *OFFICERS)}
    await pg.install(pg.personal_chat)
    await pg.reply_to(pg.personal_chat, alex["id"], f"new programme {PROGRAMME}", "Created")

    # Alex, the administrator who created it and so its first manager, makes it a reverse programme.
    settings = await pg.reply_to(pg.personal_chat, alex["id"], "programme settings", f"Settings for {PROGRAMME}")
    saved = await pg.press(settings, alex["id"], "Save settings", kind="reverse", matching="suggested",
                           focusAreas="; ".join(FOCUS), organisations="", cadence="monthly")
    assert "Saved." in str(saved["value"]) and "Reverse: the junior person mentors a senior one" in str(saved["value"])

    invitations = {**await invite_by_mention(pg, alex, people, list(MENTORS), "mentor"),
                   **await invite_by_mention(pg, alex, people, list(OFFICERS), "mentee")}
    assert all(REVERSE_NOTE in card.all_text for card in invitations.values())  # said before joining
    chats = await join_all(pg, people, invitations)

    # IT import the roster with the organisations and focus areas: it updates the six, keeping that they joined.
    roster_file = tmp_path / "s3-roster.csv"
    rows = [f"{people[n]['email']},{n},mentor,Newham Youth Forum,{f}" for n, f in MENTORS.items()]
    rows += [f"{people[n]['email']},{n},mentee,Metropolitan Police,{f}" for n, f in OFFICERS.items()]
    roster_file.write_text("email,name,role,organisation,focus_areas\n" + "\n".join(rows) + "\n", encoding="utf-8")
    status, output = await import_roster(bot, roster_file)
    assert status == 0, output
    assert f"Imported into {PROGRAMME}: 0 added, 6 updated" in output and "3 mentees, 3 mentors" in output
    roster = await pg.reply_to(pg.personal_chat, alex["id"], "roster", "Who's taking part")
    assert roster.all_text.count("3 joined, 0 invited") == 2 and REVERSE_NOTE in roster.all_text

    # The suggested proposal pairs each officer with the young woman sharing their focus area, as mentor.
    proposal = await pg.reply_to(pg.personal_chat, alex["id"], "match", "Proposed pairs")
    assert "3 pairs" in proposal.all_text and REVERSE_NOTE in proposal.all_text
    for (mentor, focus), officer in zip(MENTORS.items(), OFFICERS):
        assert f"{mentor} and {officer}" in proposal.all_text and f"shared focus: {focus}" in proposal.all_text
    mark = len(pg.messages)
    published = await pg.press(proposal, alex["id"], "Publish these pairs")
    assert "Published 3 pairs" in str(published["value"])
    match_cards = {}
    for name in (*MENTORS, *OFFICERS):
        match_cards[name] = await pg.wait_for(
            lambda m, c=chats[name]: m.conversation_id == c and "You've been paired" in m.all_text, after=mark)
        assert "This is reverse mentoring" in match_cards[name].all_text
    assert "you are the mentor" in match_cards["Adele Vance"].all_text and "Isaiah Langer" in match_cards["Adele Vance"].all_text
    assert "Adele Vance mentors you" in match_cards["Isaiah Langer"].all_text

    # Isaiah starts from his match card: a monthly contract, meeting online (Teams); Adele accepts it.
    officer, officer_chat = people["Isaiah Langer"], chats["Isaiah Langer"]
    mentor, mentor_chat = people["Adele Vance"], chats["Adele Vance"]
    mark = len(pg.messages)
    started = await pg.press(match_cards["Isaiah Langer"], officer["id"], "Draft the contract")
    assert started["type"] == CARD
    await pg.wait_for(lambda m: m.conversation_id == officer_chat and "your goals" in m.all_text, after=mark)
    for said, expect in (("Understand how young people in Newham see stop and search", "How often"), ("monthly", "How long"),
                         ("60", "How will you meet"), ("teams", "keep in touch"), ("default", "boundaries"),
                         ("default", "Change a clause, or send it?")):
        await pg.reply_to(officer_chat, officer["id"], said, expect)
    mark = len(pg.messages)
    await pg.say(officer_chat, officer["id"], "send it")
    offered = await pg.wait_for(lambda m: m.conversation_id == mentor_chat and "Reverse mentoring contract, version 1" in m.all_text,
                                after=mark)
    assert "Adele Vance (mentor, sharing their lived experience)" in offered.all_text
    assert "Once a month, 60 minutes, on a Teams call" in offered.all_text
    await pg.reply_to(mentor_chat, mentor["id"], "accept", "the contract is in force")

    # Their first session, booked; after its time both say "we met".
    start = to_uk(datetime.now(timezone.utc) + timedelta(days=2)).replace(hour=14, minute=0, second=0, microsecond=0)
    await pg.reply_to(officer_chat, officer["id"], "schedule", "When would you like to meet?")
    mark = len(pg.messages)
    await pg.say(officer_chat, officer["id"], start.strftime("%d/%m/%Y %H:%M"))
    await pg.wait_for(lambda m: m.conversation_id == mentor_chat and "Session proposed" in m.all_text, after=mark)
    await pg.reply_to(mentor_chat, mentor["id"], "accept", "Session booked")
    mark = len(pg.messages)
    await bot.restart(clock_offset_minutes=3 * 24 * 60)
    for chat in (mentor_chat, officer_chat):
        await pg.wait_for(lambda m, c=chat: m.conversation_id == c and "Did your session happen?" in m.all_text, after=mark)
    await pg.reply_to(mentor_chat, mentor["id"], "we met", "Waiting for Isaiah Langer to confirm")
    await pg.reply_to(officer_chat, officer["id"], "we met", "You both confirmed it happened")

    # The debrief: the manager opens it, sees the pairs, and records the decision on scaling up.
    debrief = await pg.reply_to(pg.personal_chat, alex["id"], "debrief", f"{PROGRAMME}: debrief")
    assert "What pairs chose to do next" in debrief.all_text and "Record our decision" in debrief.all_text
    decided = await pg.press(debrief, alex["id"], "Record our decision", decision="scale up",
                             reasons="Trust grew on both sides; the officers want more forums involved")
    assert decided["type"] == CARD and "Scale up" in str(decided["value"])
    report = await pg.reply_to(pg.personal_chat, alex["id"], "report", PROGRAMME)
    assert "scale up" in report.all_text.lower()
