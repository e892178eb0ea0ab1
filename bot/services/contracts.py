"""Agreeing the mentoring contract: drafting, accepting, proposing changes, amending, viewing."""

from __future__ import annotations

from datetime import date

from bot.domain.contracts import Clauses, Contract, ContractStatus, ContractVersion, default_clauses
from bot.domain.errors import AlreadyDone
from bot.domain.outbox import Outgoing
from bot.domain.policy import Action
from bot.domain.uktime import uk_today
from bot.domain.text import person_name
from bot.services.context import Actor, ServiceContext
from bot.services.pairs import PairService, PairView
from bot.services.surveys import SurveyService
from cards.contract import contract_card


class ContractService:
    def __init__(self, ctx: ServiceContext, pairs: PairService, surveys: SurveyService | None = None):
        self._ctx = ctx
        self._pairs = pairs
        self._surveys = surveys

    async def current(self, actor: Actor, pair_id: str, history: bool = False) -> tuple[PairView, Contract]:
        """The live contract, or with `history` every version since the first draft (for the history card)."""
        view = await self._pairs.view(actor, pair_id)
        repos = self._ctx.repos
        return view, await (repos.pairs.contract_history(pair_id) if history else repos.pairs.contract(pair_id))

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
        contract = await self._ctx.repos.pairs.contract(pair_id)
        latest = contract.pending
        checked = clauses.validate(view.programme.ends_on)
        ref = self._ctx.repos.pairs.contract_ref(pair_id)
        if latest is not None and latest.proposed_by is view.role and latest.clauses == checked:
            await self._ctx.relay_now(ref)  # the same proposal again (say, after a fault): anything left goes now
            return latest
        partner_role = view.role.other

        def tell(proposal: ContractVersion) -> list[Outgoing]:
            return [Outgoing(view.partner.id, f"contract.{pair_id}.{proposal.number}.proposed",
                             f"{person_name(view.me.name, 'Your partner')} proposed version {proposal.number} of your mentoring contract. Press **Accept**, or say **accept** or **contract** to review it.",
                             contract_card(pair_id, proposal, view.names, partner_role, compared_with=contract.compared_with(proposal), kind=view.programme.kind))]

        proposal, _ = await self._ctx.change_and_tell(ref, lambda: self._ctx.repos.pairs.change_contract(
            pair_id, lambda c: c.propose(view.role, clauses, view.programme.ends_on, now), tell))
        return proposal

    async def accept(self, actor: Actor, pair_id: str, number: int) -> ContractVersion:
        view = await self._pairs.view(actor, pair_id, Action.CHANGE_CONTRACT)
        view.pair.require_active()
        now = self._ctx.clock.now()
        ref = self._ctx.repos.pairs.contract_ref(pair_id)

        def tell(accepted: ContractVersion) -> list[Outgoing]:
            return [Outgoing(view.partner.id, f"contract.{pair_id}.{number}.accepted.{view.role.value}",
                             f"{person_name(view.me.name, 'Your partner')} accepted version {number}: your mentoring contract is in force. Next, press **Propose a time** for your first session, or say **schedule**.",
                             contract_card(pair_id, accepted, view.names, view.role.other, kind=view.programme.kind))]

        try:
            accepted, _ = await self._ctx.change_and_tell(ref, lambda: self._ctx.repos.pairs.change_contract(
                pair_id, lambda c: c.accept(view.role, number, now), tell), recheck=pair_id)
        except AlreadyDone:
            # Accepted before, perhaps cut short by a fault: anything still to send goes now, then say so.
            await self._ctx.relay_now(ref)
            version = (await self._ctx.repos.pairs.contract(pair_id)).version(number)
            if view.role in version.confirmed_by and version.proposed_by is not view.role:
                await self._after_accept(pair_id, version)
            raise
        await self._after_accept(pair_id, accepted)
        return accepted

    async def _after_accept(self, pair_id: str, accepted: ContractVersion) -> None:
        if self._surveys is None or accepted.status is not ContractStatus.IN_FORCE:
            return
        await self._ctx.follow_up(
            f"You accepted version {accepted.number}: it is in force, and your partner is told. I couldn't set up the "
            "programme's surveys yet: press **Accept** again in a minute to finish.",
            lambda: self._surveys.after_contract_in_force(pair_id))

    async def withdraw(self, actor: Actor, pair_id: str, number: int) -> ContractVersion:
        view = await self._pairs.view(actor, pair_id, Action.CHANGE_CONTRACT)
        tell = lambda _: [Outgoing(view.partner.id, f"contract.{pair_id}.{number}.withdrawn",  # noqa: E731
                                   f"{person_name(view.me.name, 'Your partner')} withdrew their proposed version {number} of your contract.")]
        withdrawn, _ = await self._ctx.change_and_tell(self._ctx.repos.pairs.contract_ref(pair_id), lambda: self._ctx.repos.pairs.change_contract(
            pair_id, lambda c: c.withdraw(view.role, number), tell))
        return withdrawn
