"""The `report` (managers) and `export my reflections` (the author) commands: thin, the services build both.

In a personal chat the report card has "CSV file" and "HTML page" buttons: they send the export through
the file consent flow (bot/teams/file_consent.py). The CPD record is still sent as text.
"""

from __future__ import annotations

from botbuilder.core import TurnContext

from bot.domain.programmes import Programme
from bot.services.context import Actor
from bot.services.registry import Services
from cards.report import report_card
from dialogs.turn import send_card

PERSONAL = "personal"
MAX_MESSAGE_CHARS = 20000  # below Teams' message size limit (about 28 KB) with room for formatting
REPORT_ONLY_HERE = ("I only show {name}'s report in your personal chat with me or in the programme's own channel "
                    "(where 'alerts here' was said).")


def in_programme_channel(context: TurnContext, programme: Programme) -> bool:
    here = context.activity.conversation.id if context.activity.conversation else None
    linked = ((programme.channel or {}).get("conversation") or {}).get("id")
    return bool(here and linked and here == linked)


async def send_report(context: TurnContext, services: Services, actor: Actor, programme: Programme) -> None:
    conversation_type = context.activity.conversation.conversation_type if context.activity.conversation else None
    if conversation_type not in (PERSONAL, None) and not in_programme_channel(context, programme):
        await context.send_activity(REPORT_ONLY_HERE.format(name=programme.name))
        return
    report = await services.report.programme_report(actor, programme.id)  # refuses anyone but its managers
    personal = conversation_type in (PERSONAL, None)
    await send_card(context, report_card(report, file_buttons=personal),
                    "Here is the report. Press **CSV file** or **HTML page** to have it sent to you as a file."
                    if personal else "Here is the report. Say **report** in your personal chat with me to get it as a file.")


async def send_cpd_record(context: TurnContext, services: Services, actor: Actor) -> None:
    record = (await services.cpd.export(actor, "text")).text
    chunks, current = [], ""
    for line in record.splitlines(keepends=True):
        if len(current) + len(line) > MAX_MESSAGE_CHARS and current:
            chunks.append(current)
            current = ""
        current += line
    chunks.append(current)
    for chunk in chunks:
        await context.send_activity(chunk)
