"""The programme report: keeping each pair's summary current, and building the report and its exports from them."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Protocol

from bot.domain.drift import Assessment
from bot.domain.errors import NotAllowed, NotFound
from bot.domain.programmes import Pair, Programme
from bot.domain.report import ProgrammeReport, build_report, resolution_hours, summarise
from bot.domain.debrief import ProgrammeDecision
from bot.domain.surveys import SurveyResults
from bot.domain.uktime import uk_today
from bot.domain.policy import Action
from bot.services.context import Actor, ServiceContext
from bot.services.report_formats import report_csv, report_html, reports_csv, reports_html

class SurveySource(Protocol):
    """Seam for the survey work: a programme's aggregated results (bot/domain/surveys.py `aggregate`), or
    None while nobody has answered. The report shows a survey section only when there are results."""

    async def for_report(self, programme: Programme) -> tuple[SurveyResults | None, ProgrammeDecision | None]:
        """The survey results and the debrief decision, if any."""


class NoSurveys:
    async def for_report(self, programme: Programme) -> tuple[SurveyResults | None, ProgrammeDecision | None]:
        return None, None


@dataclass(frozen=True)
class Export:
    """A file to hand someone. Sending it in Teams (file consent) is a seam: the edge gets this and
    attaches or uploads it; today the CLI writes it and the bot offers the card."""

    filename: str
    content_type: str
    text: str


FORMATS = ("csv", "html")


class SummaryWriter:
    """Rewrites a pair's summary: in full when its drift check runs, and its alert figures on alert actions."""

    def __init__(self, ctx: ServiceContext):
        self._ctx = ctx

    async def refresh(self, pair: Pair, assessment: Assessment | None = None) -> None:
        """From the pair's whole history (every contract version and session), not only what is live."""
        repos = self._ctx.repos
        contract = await repos.pairs.contract_history(pair.id)
        schedule = await repos.pairs.schedule_history(pair.id)
        alerts = await repos.alerts.for_pair(pair.programme_id, pair.id)
        await repos.summaries.save(summarise(pair, contract, schedule, alerts, self._ctx.clock.now(), assessment))

    async def refresh_alerts(self, programme_id: str, pair_id: str) -> None:
        repos = self._ctx.repos
        existing = await repos.summaries.find(programme_id, pair_id)
        if existing is None:
            await self.refresh(await repos.pairs.get(pair_id))
            return
        alerts = await repos.alerts.for_pair(programme_id, pair_id)
        hours = tuple(h for h in (resolution_hours(a) for a in alerts) if h is not None)
        await repos.summaries.save(replace(existing, alerts_raised=len(alerts), alerts_resolved=len(hours),
                                           resolution_hours=hours, updated_at=self._ctx.clock.now()))


class ReportService:
    def __init__(self, ctx: ServiceContext, summaries: SummaryWriter, surveys: SurveySource | None = None):
        self._ctx = ctx
        self._summaries = summaries
        self._surveys = surveys or NoSurveys()

    # Managers -----------------------------------------------------------------------------------
    async def programme_report(self, actor: Actor, programme_id: str) -> ProgrammeReport:
        """The report for one programme: only its managers may see it."""
        programme = await self._ctx.repos.programmes.get(programme_id)
        await self._ctx.require_in(actor, programme, Action.VIEW_REPORT)
        return await self._report(programme)

    async def export(self, actor: Actor, programme_id: str, fmt: str) -> Export:
        return self.as_file(await self.programme_report(actor, programme_id), fmt)

    # Administrators ---------------------------------------------------------------------------
    async def all_programmes(self, actor: Actor) -> list[ProgrammeReport]:
        if not await self._ctx.is_admin(actor):
            raise NotAllowed("Only a Tandem administrator can see every programme side by side.")
        return [r for r in await self.operator_all() if r is not None]

    # Operators: the command line, which already holds the store's credentials ------------------
    async def operator_report(self, name_or_id: str) -> ProgrammeReport:
        return await self._report(await self.find_programme(name_or_id))

    async def operator_all(self) -> list[ProgrammeReport]:
        entries = sorted(await self._ctx.repos.programmes.directory(), key=lambda e: e["name"].lower())
        return [await self._report(await self._ctx.repos.programmes.get(e["id"])) for e in entries]

    async def find_programme(self, name_or_id: str) -> Programme:
        wanted = " ".join(name_or_id.split()).lower()
        matches = [e for e in await self._ctx.repos.programmes.directory() if wanted in (e["id"].lower(), e["name"].lower())]
        if not matches:
            try:  # a programme from before the directory existed is still found by its id
                return await self._ctx.repos.programmes.get(name_or_id.strip())
            except NotFound:
                raise NotFound(f"There is no programme called {name_or_id!r}.") from None
        if len(matches) > 1:
            raise NotFound(f"More than one programme is called {name_or_id!r}; give its id: "
                           + ", ".join(e["id"] for e in matches))
        return await self._ctx.repos.programmes.get(matches[0]["id"])

    async def rebuild(self, programme_id: str) -> int:
        """Rewrite every pair's summary from its own documents (for data from before summaries existed)."""
        count = 0
        for pair_id in await self._ctx.repos.programmes.roster(programme_id):
            await self._summaries.refresh(await self._ctx.repos.pairs.get(pair_id))
            count += 1
        return count

    # Formats ------------------------------------------------------------------------------------
    @staticmethod
    def as_file(report: ProgrammeReport, fmt: str) -> Export:
        stem = "".join(c if c.isalnum() else "-" for c in report.programme_name.lower()).strip("-") or "programme"
        name = f"tandem-report-{stem}-{report.as_of.isoformat()}"
        if fmt == "csv":
            return Export(f"{name}.csv", "text/csv", report_csv(report))
        if fmt == "html":
            return Export(f"{name}.html", "text/html", report_html(report))
        raise ValueError(f"format must be one of {FORMATS}")

    @staticmethod
    def side_by_side(reports: list[ProgrammeReport], fmt: str) -> Export:
        day = max((r.as_of for r in reports), default=None)
        name = f"tandem-programmes-{day.isoformat() if day else 'none'}"
        if fmt == "csv":
            return Export(f"{name}.csv", "text/csv", reports_csv(reports))
        if fmt == "html":
            return Export(f"{name}.html", "text/html", reports_html(reports))
        raise ValueError(f"format must be one of {FORMATS}")

    async def _report(self, programme: Programme) -> ProgrammeReport:
        summaries = await self._ctx.repos.summaries.in_programme(programme.id)  # ONE single-partition query
        survey, decision = await self._surveys.for_report(programme)  # one point read
        return build_report(programme.id, programme.name, summaries, uk_today(self._ctx.clock.now()), survey, decision)
