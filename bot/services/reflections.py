"""Reflections: written by one person about a held session, readable only by them unless they share it."""

from __future__ import annotations

from typing import Any

from bot.domain.errors import NotFound
from bot.domain.outbox import Outgoing
from bot.domain.policy import Action, allowed, require
from bot.domain.reflections import Reflection, new_reflection
from bot.domain.sessions import Session
from bot.domain.uktime import format_uk
from bot.domain.text import person_name
from bot.services.authority import pair_roles
from bot.services.context import Actor, ServiceContext
from bot.services.pairs import PairService


class ReflectionService:
    def __init__(self, ctx: ServiceContext, pairs: PairService):
        self._ctx = ctx
        self._pairs = pairs

    async def awaiting(self, actor: Actor, pair_id: str) -> list[Session]:
        """Held sessions the actor has not reflected on yet, newest first."""
        await self._pairs.view(actor, pair_id, Action.REFLECT)  # only the pair's members may ask
        schedule = await self._ctx.repos.pairs.schedule(pair_id)
        written = {r.session_id for r in await self._ctx.repos.reflections.by_author(actor.id) if r.pair_id == pair_id}
        return [s for s in reversed(schedule.held()) if s.id not in written]

    async def write(
        self, actor: Actor, pair_id: str, session_id: str, discussed: str, learned: str, next_steps: str,
        rating: Any, share: bool,
    ) -> Reflection:
        view = await self._pairs.view(actor, pair_id, Action.REFLECT)
        session = await self._ctx.repos.pairs.session(pair_id, session_id)  # live, or moved out to history
        reflection = new_reflection(
            actor.id, pair_id, view.role, session, discussed, learned, next_steps, rating, share, self._ctx.clock.now()
        )
        repo = self._ctx.repos.reflections
        if not share:
            await repo.save(reflection)
            return reflection
        text = (f"{person_name(view.me.name, 'Your partner')} shared their reflection on your session of "
                f"{format_uk(session.starts_at)} with you. Say **my reflections** to read it.")

        def tell(saved: tuple[Reflection, bool]) -> list[Outgoing]:
            _, already_shared = saved
            if already_shared:
                return []  # saved again (say, after a fault): anything still waiting is relayed below
            return [Outgoing(view.partner.id, f"reflection.{reflection.id}.shared", text)]

        # The partner's note is written with the reflection, so "saved" is true as soon as the write lands.
        await self._ctx.change_and_tell(repo.ref(reflection), lambda: repo.save(reflection, tell))
        return reflection

    async def mine(self, actor: Actor) -> tuple[list[Reflection], list[tuple[str, Reflection]]]:
        """The actor's own reflections, and those their partners chose to share with them."""
        require(set(), Action.OWN_RECORD)
        own = await self._ctx.repos.reflections.by_author(actor.id)
        shared: list[tuple[str, Reflection]] = []
        for view in await self._pairs.views(actor):
            for r in await self._ctx.repos.reflections.shared_with_partner(view.partner.id, view.pair.id):
                shared.append((view.partner_name, r))
        return own, shared

    async def read(self, viewer: Actor, author_id: str, reflection_id: str) -> Reflection:
        """One reflection, if the viewer may read it; otherwise it is as if it did not exist."""
        for r in await self._ctx.repos.reflections.by_author(author_id):
            if r.id == reflection_id:
                pair = await self._ctx.repos.pairs.get(r.pair_id)
                if allowed(pair_roles(viewer.id, pair), Action.READ_REFLECTION) and r.readable_by(viewer.id, pair.partner_of(author_id)):
                    return r
        raise NotFound("I can't find that reflection.")
