"""`report` in a personal chat offers the report as a file: "CSV file" and "HTML page" buttons send it
through Teams' file consent (as `export my data` does), built again for whoever allows it."""

from __future__ import annotations

from botbuilder.schema import Activity, ActivityTypes

from bot.teams.file_consent import FILE_CONSENT, FILE_INFO
from cards import verbs
from tests.dialogs.harness import press
from tests.services.pilot import MANAGER, PAIRS, run_pilot
from tests.teams.test_file_consent import onedrive  # noqa: F401  (the loopback upload fixture)


async def accept(chat, context: dict, upload_url: str) -> tuple[int, list[Activity]]:
    chat.adapter.activity_buffer.clear()
    await chat.adapter.receive_activity(Activity(
        type=ActivityTypes.invoke, name="fileConsent/invoke",
        value={"type": "fileUpload", "action": "accept", "context": context,
               "uploadInfo": {"name": "report", "uploadUrl": upload_url, "contentUrl": "https://contoso-my.sharepoint.com/r",
                              "uniqueId": "unique-2", "fileType": context.get("format", "")}}))
    sent = list(chat.adapter.activity_buffer)
    status = next(a.value for a in sent if a.type == ActivityTypes.invoke_response).status
    return status, [a for a in sent if a.type != ActivityTypes.invoke_response]


async def test_the_report_card_in_a_personal_chat_has_csv_and_html_buttons(world):
    programme_id, _ = await run_pilot(world)
    replies = await world.chat(MANAGER).say("report")
    [card] = [a.attachments[0].content for a in replies if a.attachments]
    assert [(a["title"], a["verb"], a["data"]) for a in card["actions"]] == [
        ("CSV file", verbs.REPORT_FILE, {"programmeId": programme_id, "format": "csv"}),
        ("HTML page", verbs.REPORT_FILE, {"programmeId": programme_id, "format": "html"})]


async def test_pressing_csv_file_offers_it_and_allowing_uploads_the_csv(world, onedrive):  # noqa: F811
    programme_id, _ = await run_pilot(world)
    chat = world.chat(MANAGER)
    status, body, sent = await press(chat, verbs.REPORT_FILE, {"programmeId": programme_id, "format": "csv"})
    assert status == 200 and body["value"]["actions"][0]["title"] == "CSV file"  # the report card stays
    [offer] = [a for m in sent for a in (m.attachments or []) if a.content_type == FILE_CONSENT]
    assert offer.name.endswith(".csv") and offer.content["acceptContext"] == {"file": "report", "programmeId": programme_id, "format": "csv"}
    status, sent = await accept(chat, offer.content["acceptContext"], onedrive.url)
    [(_, uploaded)] = onedrive.puts
    assert status == 200 and uploaded.startswith(b"programme,as of,section,figure,value,shown")
    assert b"Pairs matched" in uploaded and b"Megan" not in uploaded
    assert [a.content_type for m in sent for a in (m.attachments or [])] == [FILE_INFO]


async def test_the_html_page_is_the_report_page(world, onedrive):  # noqa: F811
    programme_id, _ = await run_pilot(world)
    chat = world.chat(MANAGER)
    await press(chat, verbs.REPORT_FILE, {"programmeId": programme_id, "format": "html"})
    await accept(chat, {"file": "report", "programmeId": programme_id, "format": "html"}, onedrive.url)
    [(_, uploaded)] = onedrive.puts
    assert uploaded.startswith(b"<!DOCTYPE html>") and b"<svg" in uploaded


async def test_someone_who_is_not_a_manager_gets_no_report_file_even_with_a_forged_consent(world, onedrive):  # noqa: F811
    programme_id, _ = await run_pilot(world)
    mentor = world.chat(PAIRS[0][0])
    _, body, sent = await press(mentor, verbs.REPORT_FILE, {"programmeId": programme_id, "format": "csv"})
    assert "Only" in body["value"] and not any(m.attachments for m in sent)
    status, sent = await accept(mentor, {"file": "report", "programmeId": programme_id, "format": "csv"}, onedrive.url)
    assert status == 200 and onedrive.puts == [] and "Only" in sent[0].text
    _, body, _ = await press(world.chat(MANAGER), verbs.REPORT_FILE, {"programmeId": programme_id, "format": "pdf"})
    assert "out of date" in body["value"]
    status, _ = await accept(world.chat(MANAGER), {"file": "report", "programmeId": programme_id, "format": "pdf"}, onedrive.url)
    assert status == 400 and onedrive.puts == []
