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
from bot.services.my_data import MyDataService
from bot.services.nudges import NudgePolicy, NudgeService
from bot.services.pairs import PairService
from bot.services.reflections import ReflectionService
from bot.services.report import AdminCheck, ReportService, SummaryWriter, nobody_is_admin
from bot.services.sessions import SessionService
from bot.services.suggestions import SuggestionService


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

    @classmethod
    def build(cls, ctx: ServiceContext, policy: NudgePolicy | None = None, calendar: Calendar | None = None,
              is_admin: AdminCheck = nobody_is_admin) -> "Services":
        nudges = NudgeService(ctx, policy or NudgePolicy())
        pairs = PairService(ctx, nudges)
        summaries = SummaryWriter(ctx)
        alerts = AlertService(ctx, pairs, summaries)
        sync = CalendarSync(ctx, calendar)
        return cls(ctx, pairs, ContractService(ctx, pairs), SessionService(ctx, pairs, nudges, sync),
                   ReflectionService(ctx, pairs), alerts, nudges,
                   DueWorkService(ctx, DriftWatch(ctx, alerts, summaries), nudges, calendar=sync),
                   SuggestionService(ctx, pairs, calendar), ReportService(ctx, summaries, is_admin), CpdService(ctx),
                   MyDataService(ctx))
