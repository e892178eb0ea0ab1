"""'export my data' at the Teams edge: file consent cards, the upload to a (loopback, fake) OneDrive
upload URL, the FileInfoCard after it, declining, hostile invokes, and the local-mode file fallback."""

from __future__ import annotations

import json
from typing import Any

import pytest
from aiohttp import web
from botbuilder.schema import Activity, ActivityTypes, Entity

from bot.domain.audit import AuditAction
from bot.teams.file_consent import DECLINED, FILE_CONSENT, FILE_INFO, UPLOAD_FAILED, DataExportDelivery
from tests.dialogs.harness import user
from tests.services.test_my_data import MINE, PARTNERS_PRIVATE, journey

MENTEE = user("Adele")


class FakeUploadUrl:
    """Stands in for the OneDrive upload session Teams hands out: records each PUT."""

    def __init__(self, status: int = 201):
        self.status = status
        self.puts: list[tuple[dict[str, str], bytes]] = []
        self.runner: web.AppRunner | None = None
        self.url = ""

    async def start(self) -> None:
        async def put(request: web.Request) -> web.Response:
            self.puts.append((dict(request.headers), await request.read()))
            return web.json_response({"id": "item-1"}, status=self.status)

        app = web.Application()
        app.router.add_put("/upload/{session}", put)
        self.runner = web.AppRunner(app)
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]
        self.url = f"http://127.0.0.1:{port}/upload/session-1"

    async def stop(self) -> None:
        await self.runner.cleanup()


@pytest.fixture
async def onedrive():
    fake = FakeUploadUrl()
    await fake.start()
    yield fake
    await fake.stop()


async def consent_invoke(chat, action: str, kind: str, upload_url: str) -> tuple[int, Any, list[Activity]]:
    chat.adapter.activity_buffer.clear()
    await chat.adapter.receive_activity(Activity(
        type=ActivityTypes.invoke, name="fileConsent/invoke",
        value={"type": "fileUpload", "action": action, "context": {"file": kind},
               "uploadInfo": {"name": f"tandem-my-data.{kind}", "uploadUrl": upload_url,
                              "contentUrl": "https://contoso-my.sharepoint.com/personal/adele/tandem-my-data",
                              "uniqueId": "unique-1", "fileType": kind}},
    ))
    sent = list(chat.adapter.activity_buffer)
    response = next(a.value for a in sent if a.type == ActivityTypes.invoke_response)
    return response.status, response.body, [a for a in sent if a.type != ActivityTypes.invoke_response]


async def test_export_offers_a_consent_card_per_file_carrying_no_personal_data(world):
    await journey(world)
    replies = await world.chat(MENTEE).say("export my data")
    cards = [a for r in replies for a in (r.attachments or []) if a.content_type == FILE_CONSENT]
    assert [c.name.rsplit(".", 1)[1] for c in cards] == ["json", "html"]
    for card in cards:
        assert card.content["sizeInBytes"] > 100 and card.content["acceptContext"] in ({"file": "json"}, {"file": "html"})
        assert MINE not in json.dumps(card.content)
    assert await world.services.ctx.repos.audit.about(MENTEE.id) == []  # offered, not yet handed over


async def test_accepting_uploads_the_file_then_sends_a_file_info_card_and_audits(world, onedrive):
    await journey(world)
    status, _, sent = await consent_invoke(world.chat(MENTEE), "accept", "json", onedrive.url)

    assert status == 200
    [(headers, body)] = onedrive.puts
    size = len(body)
    assert headers["Content-Range"] == f"bytes 0-{size - 1}/{size}"
    uploaded = json.loads(body)
    assert MINE in json.dumps(uploaded) and PARTNERS_PRIVATE not in json.dumps(uploaded)
    [info] = [a for m in sent for a in (m.attachments or [])]
    assert info.content_type == FILE_INFO and info.content_url.startswith("https://contoso-my.sharepoint.com/")
    assert info.content == {"uniqueId": "unique-1", "fileType": "json"}
    [entry] = await world.services.ctx.repos.audit.about(MENTEE.id)
    assert (entry.action, entry.detail) == (AuditAction.DATA_EXPORTED, "json")


async def test_the_html_file_is_the_readable_page(world, onedrive):
    await journey(world)
    await consent_invoke(world.chat(MENTEE), "accept", "html", onedrive.url)
    [(_, body)] = onedrive.puts
    assert body.startswith(b"<!DOCTYPE html>") and MINE.encode() in body


async def test_declining_uploads_nothing(world, onedrive):
    await journey(world)
    status, _, sent = await consent_invoke(world.chat(MENTEE), "decline", "json", onedrive.url)
    assert status == 200 and onedrive.puts == [] and [m.text for m in sent] == [DECLINED]


async def test_an_upload_url_that_is_not_https_is_refused(world, onedrive):
    await journey(world)
    status, _, _ = await consent_invoke(world.chat(MENTEE), "accept", "json", "http://files.example/upload")
    assert status == 400 and onedrive.puts == []
    status, _, _ = await consent_invoke(world.chat(MENTEE), "accept", "zip", onedrive.url)
    assert status == 400 and onedrive.puts == []



async def test_a_failed_upload_is_told_kindly(world):
    failing = FakeUploadUrl(status=500)
    await failing.start()
    try:
        await journey(world)
        status, _, sent = await consent_invoke(world.chat(MENTEE), "accept", "json", failing.url)
    finally:
        await failing.stop()
    assert status == 200 and [m.text for m in sent] == [UPLOAD_FAILED] and len(failing.puts) == 1


async def test_local_mode_writes_the_files_to_the_data_folder(world, tmp_path):
    await journey(world)
    world.bot.exports = DataExportDelivery(world.services, tmp_path / "exports")
    replies = await world.chat(MENTEE).say("export my data")
    files = sorted((tmp_path / "exports").rglob("tandem-my-data-*"))
    assert [f.suffix for f in files] == [".html", ".json"]
    assert MINE in files[1].read_text() and str(files[1]) in replies[-1].text


async def test_export_is_refused_outside_the_personal_chat(world):
    await journey(world)
    mention = Entity().deserialize({"type": "mention", "mentioned": {"id": "28:tandem", "name": "Tandem"}, "text": "<at>Tandem</at>"})
    replies = await world.chat(MENTEE, "groupChat").say("<at>Tandem</at> export my data", entities=[mention])
    assert not any(a.content_type == FILE_CONSENT for r in replies for a in (r.attachments or []))
    assert "personal chat" in " ".join(r.text or "" for r in replies)
