"""Agreeing the mentoring contract: drafting, accepting, proposing changes, amending, viewing."""

from __future__ import annotations

from datetime import date

from bot.domain.contracts import Clauses, Contract, ContractStatus, ContractVersion, default_clauses
from bot.domain.policy import Action
from bot.domain.uktime import uk_today
from bot.domain.text import person_name
from bot.services.context import Actor, Message, ServiceContext
from bot.services.pairs import PairService, PairView
from bot.services.surveys import SurveyService
from cards.contract import contract_card


class ContractService:
    def __init__(self, ctx: ServiceContext, pairs: PairService, surveys: SurveyService | None = None):
        self._ctx = ctx
        self._pairs = pairs
        self._surveys = surveys

    async def current(self, actor: Actor, pair_id: str) -> tuple[PairView, Contract]:
        view = await self._pairs.view(actor, pair_id)
        return view, await self._ctx.repos.pairs.contract(pair_id)

    async def starting_clauses(self, actor: Actor, pair_id: str) -> tuple[PairView, Clauses, date]:
        """What a new proposal starts from: the pending or in-force version, else sensible defaults."""
        view, contract = await self.current(actor, pair_id)
        latest = contract.pending or contract.in_force
        today = uk_today(self._ctx.clock.now())
        base = latest.clauses if latest else default_clauses(today, view.programme.ends_on)
        return view, base, view.programme.ends_on

    async def propose(self, actor: Actor, pair_id: str, clauses: Clauses) -> ContractVersion:
        view = await self._pairs.view(actor, pair_id, Action.CHANGE_CONTRACT)
        view.pair.require_active()
        now = self._ctx.clock.now()
        proposal = await self._ctx.repos.pairs.change_contract(
            pair_id, lambda c: c.propose(view.role, clauses, view.programme.ends_on, now)
        )
        partner_role = view.role.other
        await self._ctx.notify(view.partner.id, Message(
            text=f"{person_name(view.me.name, 'Your partner')} proposed version {proposal.number} of your mentoring contract. Press **Accept**, or say **accept** or **contract** to review it.",
            card=contract_card(pair_id, proposal, view.names, partner_role),
        ))
        return proposal

    async def accept(self, actor: Actor, pair_id: str, number: int) -> ContractVersion:
        view = await self._pairs.view(actor, pair_id, Action.CHANGE_CONTRACT)
        view.pair.require_active()
        now = self._ctx.clock.now()
        accepted = await self._ctx.repos.pairs.change_contract(pair_id, lambda c: c.accept(view.role, number, now))
        await self._ctx.recheck(pair_id)
        if self._surveys is not None and accepted.status is ContractStatus.IN_FORCE:
            await self._surveys.after_contract_in_force(pair_id)
        await self._ctx.notify(view.partner.id, Message(
            text=f"{person_name(view.me.name, 'Your partner')} accepted version {number}: your mentoring contract is in force. Next, press **Propose a time** for your first session, or say **schedule**.",
            card=contract_card(pair_id, accepted, view.names, view.role.other),
        ))
        return accepted

    async def withdraw(self, actor: Actor, pair_id: str, number: int) -> ContractVersion:
        view = await self._pairs.view(actor, pair_id, Action.CHANGE_CONTRACT)
        withdrawn = await self._ctx.repos.pairs.change_contract(pair_id, lambda c: c.withdraw(view.role, number))
        await self._ctx.notify(view.partner.id, Message(text=f"{person_name(view.me.name, 'Your partner')} withdrew their proposed version {number} of your contract."))
        return withdrawn
