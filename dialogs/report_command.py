"""The `report` (managers) and `export my reflections` (the author) commands: thin, the services build both.

Sending the CSV/HTML exports and the CPD document as files in Teams is the file-consent work's seam:
`services.report.export(...)` and `services.cpd.export(...)` hand back an `Export` (name, type, text)
for the edge to attach; until then the report is a card and the CPD record is sent as text.
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
    await send_card(context, report_card(report),
                    "Here is the report. For a CSV or an HTML page with the charts, an operator can run "
                    f"`python -m bot.cli report --programme \"{programme.name}\" --format html` (sending it here as a file is coming).")


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
