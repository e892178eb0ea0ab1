"""The services the edge and dialogs use, built together over one context."""

from __future__ import annotations

from dataclasses import dataclass

from bot.services.alerts import AlertService, DriftWatch
from bot.services.context import ServiceContext
from bot.services.contracts import ContractService
from bot.services.due_work import DueWorkService
from bot.services.nudges import NudgePolicy, NudgeService
from bot.services.pairs import PairService
from bot.services.programmes import ProgrammeService
from bot.services.reflections import ReflectionService
from bot.services.safeguarding import SafeguardingService
from bot.services.sessions import SessionService


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
    programmes: ProgrammeService
    safeguarding: SafeguardingService

    @classmethod
    def build(cls, ctx: ServiceContext, policy: NudgePolicy | None = None) -> "Services":
        nudges = NudgeService(ctx, policy or NudgePolicy())
        pairs = PairService(ctx, nudges)
        alerts = AlertService(ctx, pairs)
        return cls(ctx, pairs, ContractService(ctx, pairs), SessionService(ctx, pairs, nudges), ReflectionService(ctx, pairs),
                   alerts, nudges, DueWorkService(ctx, DriftWatch(ctx, alerts), nudges),
                   ProgrammeService(ctx), SafeguardingService(ctx, pairs))
