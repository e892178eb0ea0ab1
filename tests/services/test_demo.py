"""The demo programme looks like a real one: sessions on a weekday at 10:00 UK time."""

from __future__ import annotations

from bot.demo import ADELE, ALEX, seed_demo
from bot.domain.sessions import SessionStatus
from bot.domain.uktime import to_uk


async def test_demo_sessions_were_held_on_a_weekday_at_ten(world):
    assert await seed_demo(world.services)
    views = await world.services.pairs.views(ALEX)
    (with_adele,) = [v for v in views if v.partner.id == ADELE.id]
    (session,) = (await world.services.ctx.repos.pairs.schedule(with_adele.pair.id)).sessions
    local = to_uk(session.starts_at)
    assert session.status is SessionStatus.HELD and local.weekday() < 5 and (local.hour, local.minute) == (10, 0)
    assert session.starts_at < world.clock.now()
    assert not await seed_demo(world.services)  # seeding twice writes nothing
