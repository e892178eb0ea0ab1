"""S1 through the real Teams client (Agents Playground) and the real bot: a force's programme with a mentor
held in reserve. The manager sends a roster file in the personal chat (two people who have not opened Tandem
yet, listed as waiting), invites people by @mention, each joins by pressing the join card, the
manager's match proposal is published with one press, a pair agrees its contract and books its first
session, and after a no-fault close is approved from its alert card the reserve is paired with the mentee
left without a mentor, with one press."""

from __future__ import annotations

from aiohttp import web

from tests.e2e.steps import CARD, invite_by_mention, join_all
from tests.support.loopback import serve_on_loopback

PROGRAMME = "Force mentoring programme"
ROSTER = ("email,name,role,focus_areas\n"
          "grady.archie@contoso.example,Grady Archie,mentor,knife crime\n"
          "irvin.sayers@contoso.example,Irvin Sayers,mentee,knife crime\n")


async def serve_roster() -> tuple[web.AppRunner, str]:
    """The file's download link, as OneDrive would serve it: here, on loopback (local mode may fetch from it)."""
    async def roster(_request: web.Request) -> web.Response:
        return web.Response(body=ROSTER.encode("utf-8"), content_type="text/csv")

    app = web.Application()
    app.router.add_get("/roster.csv", roster)
    runner, port = await serve_on_loopback(app, access_log=False)
    return runner, f"http://127.0.0.1:{port}/roster.csv"


async def test_s1_invited_joined_matched_and_the_reserve_rematched_after_a_no_fault_close(playground, bot):
    pg = playground
    alex = pg.me
    people = {name: pg.user(name) for name in ("Megan Bowen", "Isaiah Langer", "Lynne Robbins", "Adele Vance", "Patti Fernandez")}
    await pg.install(pg.personal_chat)
    await pg.reply_to(pg.personal_chat, alex["id"], f"new programme {PROGRAMME}", "Created")

    # A roster file sent in the personal chat: imported all or nothing; its people join when they open Tandem.
    runner, link = await serve_roster()
    try:
        mark = len(pg.messages)
        await pg.send_file(pg.personal_chat, alex["id"], "roster.csv", link)
        imported = await pg.wait_for(lambda m: m.conversation_id == pg.personal_chat and "Imported into" in m.text, after=mark)
    finally:
        await runner.cleanup()
    assert f"Imported into {PROGRAMME}: 2 people" in imported.text

    invitations = {**await invite_by_mention(pg, alex, people, ["Megan Bowen", "Isaiah Langer"], "mentor"),
                   **await invite_by_mention(pg, alex, people, ["Lynne Robbins"], "reserve"),
                   **await invite_by_mention(pg, alex, people, ["Adele Vance", "Patti Fernandez"], "mentee")}

    # Each joins by pressing the card in their own personal chat; nobody is enrolled without it.
    chats = await join_all(pg, people, invitations)
    roster = await pg.reply_to(pg.personal_chat, alex["id"], "roster", "Who's taking part")
    assert "2 joined, 1 invited" in roster.all_text and "1 joined, 0 invited" in roster.all_text  # the file's two wait
    assert "Waiting to open Tandem" in roster.all_text and "Grady Archie" in roster.all_text and "Irvin Sayers" in roster.all_text

    # The proposal: two pairs, the reserve kept back; one press publishes it and each is told.
    proposal = await pg.reply_to(pg.personal_chat, alex["id"], "match", "Proposed pairs")
    assert "2 pairs" in proposal.all_text and "Lynne Robbins" in proposal.all_text  # listed as not matched
    mark = len(pg.messages)
    published = await pg.press(proposal, alex["id"], "Publish these pairs")
    assert "Published 2 pairs" in str(published["value"])
    told = await pg.wait_for(lambda m: m.conversation_id == chats["Adele Vance"] and "You've been paired" in m.all_text, after=mark)
    mentor_name = next(n for n in ("Megan Bowen", "Isaiah Langer") if n in told.all_text)

    # Adele and her mentor agree a contract and book a first session.
    adele, adele_chat = people["Adele Vance"], chats["Adele Vance"]
    mentor, mentor_chat = people[mentor_name], chats[mentor_name]
    await pg.reply_to(adele_chat, adele["id"], "contract", "your goals")
    for said, expect in (("Understand knife crime work in Newham", "How often"), ("monthly", "How long"), ("60", "How will you meet"),
                         ("teams", "keep in touch"), ("default", "boundaries"), ("default", "Change a clause, or send it?")):
        await pg.reply_to(adele_chat, adele["id"], said, expect)
    mark = len(pg.messages)
    await pg.say(adele_chat, adele["id"], "send it")
    await pg.wait_for(lambda m: m.conversation_id == mentor_chat and "Mentoring contract, version 1" in m.all_text, after=mark)
    await pg.reply_to(mentor_chat, mentor["id"], "accept", "the contract is in force")
    await pg.reply_to(adele_chat, adele["id"], "schedule", "When would you like to meet?")
    mark = len(pg.messages)
    await pg.say(adele_chat, adele["id"], "next wednesday at 11")
    await pg.wait_for(lambda m: m.conversation_id == mentor_chat and "Session proposed" in m.all_text, after=mark)
    await pg.reply_to(mentor_chat, mentor["id"], "accept", "Session booked")

    # A no-fault close, approved from the alert card; the managers are offered the reserve; one press pairs them.
    mark = len(pg.messages)
    await pg.reply_to(adele_chat, adele["id"], "no-fault close: we'd both like a change", "no-fault close")
    alert = await pg.wait_for(lambda m: m.conversation_id == pg.personal_chat and "Approve close" in m.all_text, after=mark)
    approved = await pg.press(alert, alex["id"], "Approve close")
    assert approved["type"] == CARD
    await pg.wait_for(lambda m: m.conversation_id == adele_chat and "ended" in m.all_text.lower(), after=mark)
    offer = await pg.wait_for(lambda m: m.conversation_id == pg.personal_chat and "Pair them" in m.all_text, after=mark)
    assert "Lynne Robbins" in offer.all_text and "Adele Vance" in offer.all_text
    mark = len(pg.messages)
    paired = await pg.press(offer, alex["id"], "Pair them")
    assert "Paired." in str(paired["value"])
    await pg.wait_for(lambda m: m.conversation_id == adele_chat and "You've been paired" in m.all_text
                      and "Lynne Robbins" in m.all_text, after=mark)
