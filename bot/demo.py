"""A demo programme for a first look: Agents Playground's default users already paired.

Alex Wilber (the Playground's current user) manages two programmes: in the reverse mentoring pilot Alex
mentors Adele Vance (contract in force, one session held) and Isaiah Langer and Patti Fernandez are a
second pair; in the leadership programme Alex is mentee to Megan Bowen (no contract yet, so Alex can draft
one straight away): one active pairing per person per programme. Seeding is idempotent.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time, timedelta

from bot.clock import ManualClock
from bot.domain.contracts import default_clauses
from bot.domain.people import Person
from bot.domain.outbox import Keep
from bot.domain.programmes import Programme
from bot.domain.uktime import add_months, uk_instant, uk_today
from bot.services.context import Actor, Message, ServiceContext
from bot.services.registry import Services

PLAYGROUND_TENANT = "00000000-0000-0000-0000-0000000000001"
DEMO_PROGRAMME_ID = "demo-reverse-mentoring"
DEMO_SECOND_PROGRAMME_ID = "demo-leadership-mentoring"


def playground_user(number: int, name: str, email: str) -> Actor:
    return Actor(PLAYGROUND_TENANT, f"00000000-0000-0000-0000-00000000000{20 + number}", name, f"user-id-{number}", email)


ALEX = playground_user(0, "Alex Wilber", "alexw@example.com")
MEGAN = playground_user(1, "Megan Bowen", "meganb@example.com")
ADELE = playground_user(2, "Adele Vance", "adelev@example.com")
ISAIAH = playground_user(3, "Isaiah Langer", "isaiahl@example.com")
PATTI = playground_user(4, "Patti Fernandez", "pattif@example.com")
DEMO_ADMINISTRATOR = ALEX.aad_object_id  # in demo mode Alex is also a Tandem administrator (app.py adds them)


class _QuietContext(ServiceContext):
    """Seeding tells nobody anything: the demo's history is not news."""

    async def notify(self, person_id_: str, message: Message, key: str | None = None, within: timedelta | None = None,
                     keep: Keep | None = None) -> None:
        return None


DEMO_SESSION_TIME = time(10, 0)


def weekday_at_ten(on_or_after: date) -> datetime:
    """The first weekday on or after a day, at 10:00 UK time: when a real pair would meet."""
    day = on_or_after
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return uk_instant(day, DEMO_SESSION_TIME)


async def seed_demo(services: Services) -> bool:
    """Create the demo programme unless it exists. Returns whether anything was written."""
    repos, now = services.ctx.repos, services.ctx.clock.now()
    if DEMO_PROGRAMME_ID in (await repos.people.find(ALEX.id) or Person(ALEX.id, "", "", "")).manages:
        return False
    # History is written as it would have happened: five weeks ago, with the rules applied.
    clock = ManualClock(now - timedelta(weeks=5))
    past = Services.build(_QuietContext(repos, services.ctx.messenger, clock, services.ctx.make_id), services.nudges.policy)
    today = uk_today(clock.now())
    programme = Programme(DEMO_PROGRAMME_ID, PLAYGROUND_TENANT, "Reverse mentoring pilot (demo)", (ALEX.id,),
                          today, add_months(today, 6), clock.now(), safeguarding_lead=ISAIAH.id)
    leadership = Programme(DEMO_SECOND_PROGRAMME_ID, PLAYGROUND_TENANT, "Leadership mentoring (demo)", (ALEX.id,),
                           today, add_months(today, 6), clock.now(), safeguarding_lead=ISAIAH.id)
    await repos.programmes.add(leadership)
    await repos.programmes.add(programme)
    for person in (ALEX, MEGAN, ADELE, ISAIAH, PATTI):
        await repos.people.change(person.id, lambda p, a=person: p or Person(a.id, a.tenant_id, a.aad_object_id, a.name, a.teams_user_id, a.email))
    await repos.people.change(ALEX.id, lambda p: p.managing(leadership.id).managing(programme.id))

    await past.pairs.pair_people(ALEX, leadership.id, MEGAN, ALEX)
    for mentor, mentee, goals in (
        (ALEX, ADELE, ("Understand how young women in Newham experience stop and search",
                       "Build a youth advisory route into neighbourhood policing")),
        (ISAIAH, PATTI, ("Learn how domestic abuse survivors first seek help",)),
    ):
        pair = await past.pairs.pair_people(ALEX, programme.id, mentor, mentee)
        clauses = replace(default_clauses(today, programme.ends_on), goals=goals)
        version = await past.contracts.propose(mentee, pair.id, clauses)
        await past.contracts.accept(mentor, pair.id, version.number)
        starts_at = weekday_at_ten(today + timedelta(days=7))
        session = await past.sessions.propose(mentee, pair.id, starts_at)
        await past.sessions.accept(mentor, pair.id, session.id)
        clock.set(starts_at + timedelta(hours=2))
        await past.sessions.record_attendance(mentor, pair.id, session.id, True)
        await past.sessions.record_attendance(mentee, pair.id, session.id, True)
        clock.set(now - timedelta(weeks=5))
    return True
