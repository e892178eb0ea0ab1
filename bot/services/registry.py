"""The services the edge and dialogs use, built together over one context."""

from __future__ import annotations

from dataclasses import dataclass

from bot.services.alerts import AlertService, DriftWatch
from bot.services.calendar import Calendar
from bot.services.calendar_sync import CalendarSync
from bot.services.context import ServiceContext
from bot.services.contracts import ContractService
from bot.services.cpd import CpdService
from bot.services.due_work import DueWorkService
from bot.services.enrolment import EnrolmentService
from bot.services.line_managers import LineManagerService
from bot.services.my_data import MyDataService
from bot.services.nudges import NudgePolicy, NudgeService
from bot.services.pairs import PairService
from bot.services.programmes import ProgrammeService
from bot.services.reflections import ReflectionService
from bot.services.report import ReportService, SummaryWriter
from bot.services.safeguarding import SafeguardingService
from bot.services.sessions import SessionService
from bot.services.suggestions import SuggestionService
from bot.services.surveys import SurveyService


@dataclass(frozen=True)
class Services:
    ctx: ServiceContext
    pairs: PairService
    contracts: ContractService
    sessions: SessionService
    reflections: ReflectionService
    alerts: AlertService
    nudges: NudgeService
    due_work: DueWorkService
    suggestions: SuggestionService
    report: ReportService
    cpd: CpdService
    my_data: MyDataService
    programmes: ProgrammeService
    safeguarding: SafeguardingService
    enrolment: EnrolmentService
    line_managers: LineManagerService
    surveys: SurveyService

    @classmethod
    def build(cls, ctx: ServiceContext, policy: NudgePolicy | None = None, calendar: Calendar | None = None) -> "Services":
        nudges = NudgeService(ctx, policy or NudgePolicy(), calendar)
        sync = CalendarSync(ctx, calendar)
        pairs = PairService(ctx, nudges, sync)
        summaries = SummaryWriter(ctx)
        alerts = AlertService(ctx, pairs, summaries)
        line_managers = LineManagerService(ctx, calendar)
        surveys = SurveyService(ctx, pairs, nudges.policy)
        enrolment = EnrolmentService(ctx, pairs, line_managers)
        pairs.when_ended(enrolment.offer_reserve)
        return cls(ctx=ctx, pairs=pairs, contracts=ContractService(ctx, pairs, surveys),
                   sessions=SessionService(ctx, pairs, nudges, sync), reflections=ReflectionService(ctx, pairs),
                   alerts=alerts, nudges=nudges,
                   due_work=DueWorkService(ctx, DriftWatch(ctx, alerts, summaries), nudges, calendar=sync, pairs=pairs,
                                           surveys=surveys),
                   suggestions=SuggestionService(ctx, pairs, calendar), report=ReportService(ctx, summaries, surveys),
                   cpd=CpdService(ctx), my_data=MyDataService(ctx, pairs), programmes=ProgrammeService(ctx),
                   safeguarding=SafeguardingService(ctx, pairs), line_managers=line_managers,
                   enrolment=enrolment, surveys=surveys)
