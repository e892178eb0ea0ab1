"""'export my data' and the report's file buttons at the Teams edge: the file consent flow, or a file in the local data folder.

In Teams a bot sends a file to a personal chat by asking first: a FileConsentCard attachment; when
the person accepts, Teams sends a `fileConsent/invoke` with an upload URL in their OneDrive, the bot
PUTs the bytes there, then posts a FileInfoCard linking the file. The export is built by the service
(bot/services/my_data.py) again when they accept, for the person the invoke comes from, so nothing
personal travels in the card and no copy waits in the store. The Agents Playground has no OneDrive
and cannot run this flow, so local mode writes the files to the local data folder instead.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import aiohttp
from botbuilder.core import InvokeResponse, TurnContext
from botbuilder.schema import Activity, ActivityTypes, Attachment
from botbuilder.schema.teams import FileConsentCard, FileInfoCard

from bot.domain.errors import DomainError
from bot.services.context import Actor
from bot.services.report import FORMATS
from bot.services.export_html import render_export_html
from bot.services.registry import Services
from bot.settings import is_loopback

log = logging.getLogger(__name__)

FILE_CONSENT = "application/vnd.microsoft.teams.card.file.consent"
FILE_INFO = "application/vnd.microsoft.teams.card.file.info"
UPLOAD_TIMEOUT = aiohttp.ClientTimeout(total=60)
KINDS = ("json", "html")
REPORT = "report"  # a programme report file (CSV or HTML), offered from the report card's buttons
REPORT_OFFERED = "Here is the report as a file. Allow it and I'll put it in your OneDrive."
OFFERED = ("Here is everything Tandem holds about you, as two files: the data (JSON) and a page you can read "
           "(HTML). Allow each one and I'll put it in your OneDrive.")
DECLINED = "OK, I haven't sent that file. Say **export my data** whenever you want it."
UPLOAD_FAILED = "Sorry, I couldn't upload that file to your OneDrive. Nothing was shared; please say **export my data** to try again."


@dataclass(frozen=True)
class ExportFile:
    kind: str
    name: str
    content: bytes


def export_files(export: dict, stamp: str) -> dict[str, ExportFile]:
    return {
        "json": ExportFile("json", f"tandem-my-data-{stamp}.json",
                           json.dumps(export, indent=2, ensure_ascii=False).encode("utf-8")),
        "html": ExportFile("html", f"tandem-my-data-{stamp}.html", render_export_html(export).encode("utf-8")),
    }


def consent_attachment(file: ExportFile) -> Attachment:
    context = {"file": file.kind}
    card = FileConsentCard(description=f"Your data in Tandem ({file.kind.upper()})", size_in_bytes=len(file.content),
                           accept_context=context, decline_context=context)
    return Attachment(content_type=FILE_CONSENT, name=file.name, content=card.serialize())


def upload_allowed(url: str) -> bool:
    """Teams hands out https upload URLs; plain http only to this machine (tests' fake OneDrive)."""
    parts = urlsplit(url)
    return parts.scheme == "https" or (parts.scheme == "http" and is_loopback(parts.hostname or ""))


class DataExportDelivery:
    def __init__(self, services: Services, local_folder: Path | None = None):
        """`local_folder`: local mode only; the export is written there instead of offered as files."""
        self.services = services
        self.local_folder = local_folder

    def _stamp(self) -> str:
        return self.services.ctx.clock.now().strftime("%Y%m%dT%H%M%SZ")

    async def offer(self, turn_context: TurnContext, actor: Actor) -> None:
        if self.local_folder is not None:
            await self._write_locally(turn_context, actor)
            return
        export = await self.services.my_data.export(actor, audited=False)  # audited when it is handed over
        await turn_context.send_activity(OFFERED)
        for file in export_files(export, self._stamp()).values():
            await turn_context.send_activity(Activity(type=ActivityTypes.message, attachments=[consent_attachment(file)]))

    async def offer_report(self, turn_context: TurnContext, actor: Actor, programme_id: str, fmt: str) -> None:
        """Offer one report file. The report is built again when they allow it, for whoever allows it."""
        export = await self.services.report.export(actor, programme_id, fmt)  # refuses anyone but its managers
        content = export.text.encode("utf-8")
        if self.local_folder is not None:
            folder = self.local_folder / re.sub(r"[^A-Za-z0-9_-]", "_", actor.id)
            folder.mkdir(parents=True, exist_ok=True)
            (folder / export.filename).write_bytes(content)
            await turn_context.send_activity("Local mode can't send files (the Agents Playground has no OneDrive), "
                                             f"so I've written the report here:\n\n- `{folder / export.filename}`")
            return
        context = {"file": REPORT, "programmeId": programme_id, "format": fmt}
        card = FileConsentCard(description=f"Programme report ({fmt.upper()})", size_in_bytes=len(content),
                               accept_context=context, decline_context=context)
        await turn_context.send_activity(REPORT_OFFERED)
        await turn_context.send_activity(Activity(type=ActivityTypes.message, attachments=[
            Attachment(content_type=FILE_CONSENT, name=export.filename, content=card.serialize())]))

    async def _report_file(self, actor: Actor, context: dict) -> ExportFile | None:
        """The report file an accepted consent names, built for the person accepting (None if it names nothing valid)."""
        programme_id, fmt = context.get("programmeId"), context.get("format")
        if not isinstance(programme_id, str) or fmt not in FORMATS:
            return None
        export = await self.services.report.export(actor, programme_id, fmt)
        return ExportFile(fmt, export.filename, export.text.encode("utf-8"))

    async def _write_locally(self, turn_context: TurnContext, actor: Actor) -> None:
        export = await self.services.my_data.export(actor, audited=True, detail="local file")
        folder = self.local_folder / re.sub(r"[^A-Za-z0-9_-]", "_", actor.id)
        folder.mkdir(parents=True, exist_ok=True)
        written = []
        for file in export_files(export, self._stamp()).values():
            (folder / file.name).write_bytes(file.content)
            written.append(str(folder / file.name))
        await turn_context.send_activity(
            "Local mode can't send files (the Agents Playground has no OneDrive), so I've written your data here:\n\n"
            + "\n".join(f"- `{path}`" for path in written))

    async def on_consent(self, turn_context: TurnContext, actor: Actor) -> InvokeResponse:
        """The person allowed or declined one file. A failed upload is told in the chat (200 to Teams); an
        invoke naming a file Tandem never offered, or an upload URL that is not https, is refused (400)."""
        value = turn_context.activity.value if isinstance(turn_context.activity.value, dict) else {}
        context = value.get("context") if isinstance(value.get("context"), dict) else {}
        kind = context.get("file")
        if kind not in KINDS and kind != REPORT:
            return InvokeResponse(status=400, body={"error": "That file request is not one I sent."})
        if value.get("action") != "accept":
            await turn_context.send_activity(DECLINED)
            return InvokeResponse(status=200)
        info = value.get("uploadInfo") if isinstance(value.get("uploadInfo"), dict) else {}
        upload_url = info.get("uploadUrl")
        if not isinstance(upload_url, str) or not upload_allowed(upload_url):
            return InvokeResponse(status=400, body={"error": "The upload location is missing or not https."})
        if kind == REPORT:
            try:
                report_file = await self._report_file(actor, context)
            except DomainError as refusal:  # no longer a manager of that programme, or it is gone
                await turn_context.send_activity(refusal.message)
                return InvokeResponse(status=200)
            if report_file is None:
                return InvokeResponse(status=400, body={"error": "That file request is not one I sent."})
            file = report_file
        else:
            export = await self.services.my_data.export(actor, audited=True, detail=kind)
            file = export_files(export, self._stamp())[kind]
        if not await self._upload(upload_url, file.content):
            await turn_context.send_activity(UPLOAD_FAILED)
            return InvokeResponse(status=200)
        card = FileInfoCard(unique_id=info.get("uniqueId"), file_type=info.get("fileType") or kind)
        await turn_context.send_activity(Activity(type=ActivityTypes.message, attachments=[Attachment(
            content_type=FILE_INFO, name=info.get("name") or file.name, content_url=info.get("contentUrl"),
            content=card.serialize())]))
        return InvokeResponse(status=200)

    @staticmethod
    async def _upload(url: str, content: bytes) -> bool:
        size = len(content)
        headers = {"Content-Length": str(size), "Content-Range": f"bytes 0-{size - 1}/{size}"}
        try:
            async with aiohttp.ClientSession(timeout=UPLOAD_TIMEOUT) as session:
                async with session.put(url, data=content, headers=headers) as response:
                    if response.status in (200, 201, 202):
                        return True
                    log.warning("file upload answered %s", response.status)
        except (aiohttp.ClientError, TimeoutError) as error:
            log.warning("file upload failed: %s", type(error).__name__)
        return False
