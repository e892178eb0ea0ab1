"""Line managers from the loopback Graph for the matching exclusion: found, none (404), not permitted
(403: one warning, nobody else asked), a Graph that doesn't answer; the roster's own line manager wins;
lookups are bounded in number at once."""

from __future__ import annotations

import asyncio

from bot.domain.matching import ProgrammeKind, why_not
from bot.domain.roster import read_roster, with_line_managers
from bot.services.calendar import Invitee
from bot.services.line_managers import CONCURRENCY, NOT_PERMITTED, LineManagerService, unanswered
from tests.dialogs.harness import user

MANAGER = user("Manager")
ROSTER = """email,name,role,line_manager
megan@force.example,Megan,mentor,
sam@force.example,Sam,mentor,
adele@force.example,Adele,mentee,
nia@force.example,Nia,mentee,olive@force.example
"""


def invitee(name: str) -> Invitee:
    return Invitee(f"aad-{name}", f"{name}@force.example", name.title())


def boss(name: str) -> dict:
    return {"id": f"aad-{name}", "mail": f"{name.title()}@Force.example", "displayName": name.title()}


async def test_managers_found_fill_the_roster_where_empty_and_matching_then_excludes_them(world, fake):
    programme = await world.programme(MANAGER)
    fake.managers.update({"aad-adele": boss("megan"), "aad-nia": boss("sam")})  # Nia's row names Olive

    found = await world.services.line_managers.look_up(
        MANAGER, programme.id, [invitee(n) for n in ("megan", "sam", "adele", "nia")])

    assert found.checked and found.warning == ""
    assert found.managers == {"adele@force.example": "megan@force.example", "nia@force.example": "sam@force.example"}
    roster = with_line_managers(read_roster(ROSTER), found.managers)
    assert roster.person("adele@force.example").line_manager == "megan@force.example"
    assert roster.person("nia@force.example").line_manager == "olive@force.example"  # the roster's own wins
    assert roster.person("megan@force.example").line_manager == ""  # 404: no manager in the directory
    megan, sam = roster.person("megan@force.example"), roster.person("sam@force.example")
    assert why_not(megan, roster.person("adele@force.example"), ProgrammeKind.TRADITIONAL) == "line manager"
    assert why_not(sam, roster.person("nia@force.example"), ProgrammeKind.TRADITIONAL) == ""
    assert sorted(r.path for r in fake.graph_calls("GET", "/manager")) == [
        f"/users/aad-{n}/manager" for n in ("adele", "megan", "nia", "sam")]


async def test_not_permitted_is_said_once_and_nobody_else_is_asked(world, fake):
    programme = await world.programme(MANAGER)
    fake.forbidden_managers = True
    people = [Invitee(f"aad-p{i}", f"p{i}@force.example") for i in range(40)]

    found = await world.services.line_managers.look_up(MANAGER, programme.id, people)

    assert found.warning == NOT_PERMITTED and not found.checked and found.managers == {}
    assert found.warning.startswith("I couldn't check line managers:")
    assert len(fake.graph_calls("GET", "/manager")) <= CONCURRENCY  # those already in flight, no more


async def test_a_graph_that_does_not_answer_for_some_says_how_many_and_keeps_the_rest(world, fake):
    programme = await world.programme(MANAGER)
    fake.managers.update({"aad-adele": boss("megan"), "aad-nia": boss("sam")})
    fake.faults = [(503, 600)]  # the first lookup: "come back in ten minutes", longer than a press waits
    one_at_a_time = LineManagerService(world.services.ctx, world.services.line_managers._calendar, concurrency=1)

    found = await one_at_a_time.look_up(MANAGER, programme.id, [invitee("adele"), invitee("nia")])

    assert found.managers == {"nia@force.example": "sam@force.example"} and found.checked
    assert found.warning == unanswered(1) and "1 person" in found.warning


async def test_without_graph_nothing_is_asked_and_nothing_is_said(world, fake):
    programme = await world.programme(MANAGER)
    found = await LineManagerService(world.services.ctx).look_up(MANAGER, programme.id, [invitee("adele")])
    assert found.managers == {} and found.warning == "" and not found.checked


class Counting:
    """The Graph calendar, counting line-manager lookups in flight."""

    def __init__(self, inner):
        self.inner, self.enabled, self.now, self.most = inner, True, 0, 0

    async def line_manager(self, person):
        self.now += 1
        self.most = max(self.most, self.now)
        try:
            await asyncio.sleep(0.01)
            return await self.inner.line_manager(person)
        finally:
            self.now -= 1


async def test_lookups_are_bounded_in_number_at_once(world, fake):
    programme = await world.programme(MANAGER)
    counting = Counting(world.services.line_managers._calendar)
    service = LineManagerService(world.services.ctx, counting, concurrency=3)  # type: ignore[arg-type]

    found = await service.look_up(MANAGER, programme.id, [Invitee(f"aad-p{i}", f"p{i}@force.example") for i in range(12)])

    assert found.checked and counting.most == 3
    assert len(fake.graph_calls("GET", "/manager")) == 12


async def test_the_match_proposal_in_teams_never_pairs_someone_with_their_line_manager_from_graph(world, fake):
    """Megan is Adele's line manager in the directory (the roster doesn't say): the proposal pairs Adele
    with Sam instead, though Megan shares her focus area."""
    programme = await world.programme(MANAGER)
    roster = ("email,name,role,focus_areas\nmegan@force.example,Megan,mentor,knife crime\n"
              "sam@force.example,Sam,mentor,finance\nadele@force.example,Adele,mentee,knife crime\n")
    await world.services.enrolment.import_roster(MANAGER, programme.id, roster)
    for name in ("megan", "sam", "adele"):
        person = user(name.title())
        await world.chat(person).say("hello")
        await world.services.enrolment.join(person, programme.id)
    without = await world.services.enrolment.proposal(MANAGER, programme.id)
    assert [(p.mentor, p.mentee) for p in without.result.pairs] == [("megan@force.example", "adele@force.example")]
    fake.managers["aad-adele"] = boss("megan")
    proposal = await world.services.enrolment.proposal(MANAGER, programme.id)
    assert [(p.mentor, p.mentee) for p in proposal.result.pairs] == [("sam@force.example", "adele@force.example")]
    assert proposal.digest != without.digest  # a card made before the directory said so cannot be published
