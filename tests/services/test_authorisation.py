"""Every public service entry point, tried by people who may not take it: an outsider, a manager of another
programme, and (where the step is not the partner's to take) the partner. Each is refused. Each is also
taken once by someone who may. The entry points are found by introspection, so a new one without a
case here fails `test_every_entry_point_has_a_case`."""

from __future__ import annotations

import inspect
from dataclasses import dataclass, fields
from datetime import time, timedelta
from typing import Any, Awaitable, Callable, get_type_hints

import pytest

from bot.domain.alerts import AlertAction
from bot.domain.due import SURVEY, DueItem
from bot.domain.surveys import Wave
from bot.domain.uktime import uk_instant
from bot.domain.errors import AlreadyDone, InvalidState, NotAllowed, NotFound
from bot.domain.programmes import CloseReason
from bot.domain.policy import POLICY, AccessRole, Action, refusal
from bot.domain.roster import RosterRole
from bot.domain.enrolment import ProfileAnswers
from bot.services.authority import PERSONAL_CHAT, ListedAdmins, Place, PlaceKind
from bot.services.context import Actor
from bot.services.registry import Services
from tests.dialogs.harness import ADMIN, TENANT, World, user
from tests.domain.builders import clauses

MANAGER, MENTOR, MENTEE, LEAD = user("Manager"), user("Megan"), user("Adele"), user("Lead")
OUTSIDER, OTHER_MANAGER, NEWCOMER, YOUNG = user("Sam"), user("Olive"), user("Nia"), user("Young")
SECOND_NEWCOMER = user("Theo")
CHANNEL = Place(PlaceKind.CHANNEL, "19:channel@thread.tacv2", "team-1")
REFUSED = (NotAllowed, NotFound)


@dataclass
class Scene:
    """A programme with a pair that has agreed a contract (and has an amendment pending), held a session,
    has another proposed, a private reflection, an open alert and a concern with the lead; and another
    programme with another manager."""

    world: World
    programme_id: str
    other_programme_id: str
    pair_id: str
    held_id: str
    proposed_id: str
    reflection_id: str
    alert_id: str
    concern_id: str

    @property
    def s(self) -> Services:
        return self.world.services


async def build_scene(world: World) -> Scene:
    s = world.services
    pair_id = await world.pair(MANAGER, MENTOR, MENTEE)
    programme_id = (await s.ctx.repos.pairs.get(pair_id)).programme_id
    other = await world.programme(OTHER_MANAGER, "Another programme")
    await s.safeguarding.name_lead(MANAGER, programme_id, LEAD)
    await s.programmes.link_team(MANAGER, programme_id, CHANNEL)
    await s.programmes.record_under_18(MANAGER, programme_id, YOUNG)
    await world.agree_contract(pair_id, MENTOR, MENTEE)
    held = await world.hold_session(pair_id, MENTOR, MENTEE)
    await s.contracts.propose(MENTEE, pair_id, clauses(meeting_minutes=90))
    proposed = await s.sessions.propose(MENTEE, pair_id, world.clock.now() + timedelta(days=5))
    reflection = await s.reflections.write(MENTEE, pair_id, held.id, "Nerves", "Trust", "Ask more", 4, False)
    alert = await s.alerts.request_help(MENTEE, pair_id, "We keep missing each other")
    concern, _ = await s.safeguarding.raise_concern(MENTEE, pair_id, "Something worries me")
    await s.enrolment.invite(MANAGER, programme_id, [NEWCOMER], RosterRole.MENTEE)
    return Scene(world, programme_id, other.id, pair_id, held.id, proposed.id, reflection.id, alert.id, concern.id)


Call = Callable[[Scene, Actor], Awaitable[Any]]


@dataclass(frozen=True)
class Case:
    call: Call
    allowed: Actor  # someone who may take it (the positive case)
    partner_refused: bool  # the partner (Megan, the mentor) is refused too: not theirs to take
    own_record: bool = False  # acts on the caller's own record only: an intruder simply sees nothing of others'


ROSTER_CSV = "email,role\nnew.mentor@force.example,mentor\nnew.mentee@force.example,mentee\n"


async def publish(scene: Scene, actor: Actor):
    proposal = await scene.s.enrolment.proposal(MANAGER, scene.programme_id)
    return await scene.s.enrolment.publish(actor, scene.programme_id, proposal.method, proposal.digest)


async def publish_chosen(scene: Scene, actor: Actor):
    changed = await scene.s.enrolment.change_proposal(MANAGER, scene.programme_id, {})
    return await scene.s.enrolment.publish_chosen(actor, scene.programme_id, {}, (), changed.digest)


async def _joined(scene: Scene, call: Callable[[], Awaitable[Any]]) -> Any:
    """The newcomer has joined (by their own press), then the call."""
    await scene.s.enrolment.join(NEWCOMER, scene.programme_id)
    return await call()


def sched(scene: Scene):
    return scene.world.clock.now() + timedelta(days=6)


CASES: dict[str, Case] = {
    # PairService
    "PairService.register": Case(lambda c, a: c.s.pairs.register(a, {"conversation": {"id": f"c-{a.aad_object_id}"}}), MENTEE, False, True),
    "PairService.heard_from": Case(lambda c, a: c.s.pairs.heard_from(a), MENTEE, False, True),
    "PairService.pause_nudges": Case(lambda c, a: c.s.pairs.pause_nudges(a, 7), MENTEE, False, True),
    "PairService.resume_nudges": Case(lambda c, a: c.s.pairs.resume_nudges(a), MENTEE, False, True),
    "PairService.managed_by": Case(lambda c, a: c.s.pairs.managed_by(a), MANAGER, False, True),
    "PairService.views": Case(lambda c, a: c.s.pairs.views(a), MENTEE, False, True),
    "PairService.create_programme": Case(lambda c, a: c.s.pairs.create_programme(a, "New one"), ADMIN, True),
    "PairService.roster_size": Case(lambda c, a: c.s.pairs.roster_size(a, c.programme_id), MANAGER, True),
    "PairService.pair_people": Case(lambda c, a: c.s.pairs.pair_people(a, c.programme_id, SECOND_NEWCOMER, NEWCOMER), MANAGER, True),
    "PairService.close": Case(lambda c, a: c.s.pairs.close(a, c.pair_id, CloseReason.LEFT_PROGRAMME), MANAGER, True),
    "PairService.decline_match": Case(lambda c, a: c.s.pairs.decline_match(a, c.pair_id), MENTEE, False),
    "PairService.view": Case(lambda c, a: c.s.pairs.view(a, c.pair_id), MENTEE, False),
    # ContractService
    "ContractService.current": Case(lambda c, a: c.s.contracts.current(a, c.pair_id), MENTEE, False),
    "ContractService.starting_clauses": Case(lambda c, a: c.s.contracts.starting_clauses(a, c.pair_id), MENTEE, False),
    "ContractService.propose": Case(lambda c, a: c.s.contracts.propose(a, c.pair_id, clauses(meeting_minutes=45)), MENTOR, False),
    "ContractService.accept": Case(lambda c, a: c.s.contracts.accept(a, c.pair_id, 2), MENTOR, False),
    "ContractService.withdraw": Case(lambda c, a: c.s.contracts.withdraw(a, c.pair_id, 2), MENTEE, False),
    # SessionService
    "SessionService.overview": Case(lambda c, a: c.s.sessions.overview(a, c.pair_id), MENTEE, False),
    "SessionService.session": Case(lambda c, a: c.s.sessions.session(a, c.pair_id, c.held_id), MENTEE, False),
    "SessionService.check_time": Case(lambda c, a: c.s.sessions.check_time(a, c.pair_id, sched(c)), MENTEE, False),
    "SessionService.propose": Case(lambda c, a: c.s.sessions.propose(a, c.pair_id, sched(c)), MENTEE, False),
    "SessionService.accept": Case(lambda c, a: c.s.sessions.accept(a, c.pair_id, c.proposed_id), MENTOR, False),
    "SessionService.decline": Case(lambda c, a: c.s.sessions.decline(a, c.pair_id, c.proposed_id), MENTOR, False),
    "SessionService.cancel": Case(lambda c, a: c.s.sessions.cancel(a, c.pair_id, c.proposed_id), MENTEE, False),
    "SessionService.record_attendance": Case(lambda c, a: c.s.sessions.record_attendance(a, c.pair_id, c.held_id, True), MENTEE, False),
    # ReflectionService
    "ReflectionService.awaiting": Case(lambda c, a: c.s.reflections.awaiting(a, c.pair_id), MENTOR, False),
    "ReflectionService.write": Case(lambda c, a: c.s.reflections.write(a, c.pair_id, c.held_id, "d", "l", "n", 3, False), MENTOR, False),
    "ReflectionService.mine": Case(lambda c, a: c.s.reflections.mine(a), MENTEE, False, True),
    "ReflectionService.read": Case(lambda c, a: c.s.reflections.read(a, MENTEE.id, c.reflection_id), MENTEE, True),
    # AlertService
    "AlertService.request_help": Case(lambda c, a: c.s.alerts.request_help(a, c.pair_id, "note"), MENTEE, False),
    "AlertService.request_close": Case(lambda c, a: c.s.alerts.request_close(a, c.pair_id, "note"), MENTEE, False),
    "AlertService.act": Case(lambda c, a: c.s.alerts.act(a, c.programme_id, c.alert_id, AlertAction.ACKNOWLEDGE), MANAGER, True),
    "AlertService.status": Case(lambda c, a: c.s.alerts.status(a, c.programme_id), MANAGER, True),
    "AlertService.use_channel": Case(lambda c, a: c.s.alerts.use_channel(
        a, c.programme_id, {"conversation": {"id": CHANNEL.conversation_id}}, CHANNEL), MANAGER, True),
    # ProgrammeService
    "ProgrammeService.administered_by": Case(lambda c, a: c.s.programmes.administered_by(a), MANAGER, False, True),
    "ProgrammeService.appoint_manager": Case(lambda c, a: c.s.programmes.appoint_manager(a, c.programme_id, NEWCOMER), ADMIN, True),
    "ProgrammeService.remove_manager": Case(lambda c, a: c.s.programmes.remove_manager(a, c.programme_id, MANAGER), None, True),
    "ProgrammeService.link_team": Case(lambda c, a: c.s.programmes.link_team(a, c.programme_id, Place(PlaceKind.CHANNEL, "19:x", "team-2")), MANAGER, True),
    "ProgrammeService.record_under_18": Case(lambda c, a: c.s.programmes.record_under_18(a, c.programme_id, NEWCOMER), MANAGER, True),
    "ProgrammeService.record_guardian_consent": Case(lambda c, a: c.s.programmes.record_guardian_consent(a, c.programme_id, YOUNG), MANAGER, True),
    # SafeguardingService
    "SafeguardingService.name_lead": Case(lambda c, a: c.s.safeguarding.name_lead(a, c.programme_id, NEWCOMER), MANAGER, True),
    "SafeguardingService.deliver_kept": Case(lambda c, a: c.s.safeguarding.deliver_kept(a), LEAD, False, True),
    "SafeguardingService.raise_concern": Case(lambda c, a: c.s.safeguarding.raise_concern(a, c.pair_id, "words"), MENTOR, False),
    "SafeguardingService.acknowledge": Case(lambda c, a: c.s.safeguarding.acknowledge(a, c.programme_id, c.concern_id), LEAD, True),
    "SafeguardingService.record_outcome": Case(lambda c, a: c.s.safeguarding.record_outcome(a, c.programme_id, c.concern_id, "Spoke to them"), LEAD, True),
    # ReportService, CpdService, MyDataService, SuggestionService
    "ReportService.programme_report": Case(lambda c, a: c.s.report.programme_report(a, c.programme_id), MANAGER, True),
    "ReportService.export": Case(lambda c, a: c.s.report.export(a, c.programme_id, "csv"), MANAGER, True),
    "ReportService.all_programmes": Case(lambda c, a: c.s.report.all_programmes(a), ADMIN, True),
    "CpdService.records": Case(lambda c, a: c.s.cpd.records(a), MENTEE, False, True),
    "CpdService.export": Case(lambda c, a: c.s.cpd.export(a), MENTEE, False, True),
    "MyDataService.export": Case(lambda c, a: c.s.my_data.export(a), MENTEE, False, True),
    "MyDataService.erase": Case(lambda c, a: c.s.my_data.erase(a, True), MENTEE, False, True),
    "SuggestionService.suggest": Case(lambda c, a: c.s.suggestions.suggest(a, c.pair_id), MENTEE, False),
    "ProgrammeService.settings": Case(lambda c, a: c.s.programmes.settings(a, c.programme_id), MANAGER, True),
    "ProgrammeService.change_settings": Case(lambda c, a: c.s.programmes.change_settings(
        a, c.programme_id, "reverse", "suggested", "knife crime", "", "monthly"), MANAGER, True),
    # EnrolmentService
    "EnrolmentService.import_roster": Case(lambda c, a: c.s.enrolment.import_roster(a, c.programme_id, ROSTER_CSV), MANAGER, True),
    "EnrolmentService.invite": Case(lambda c, a: c.s.enrolment.invite(a, c.programme_id, [YOUNG], RosterRole.MENTOR), MANAGER, True),
    "EnrolmentService.invite_members": Case(lambda c, a: c.s.enrolment.invite_members(a, c.programme_id, [SECOND_NEWCOMER], RosterRole.MENTEE), MANAGER, True),
    "EnrolmentService.invitations": Case(lambda c, a: c.s.enrolment.invitations(a), NEWCOMER, False, True),
    "EnrolmentService.taking_part": Case(lambda c, a: c.s.enrolment.taking_part(a), NEWCOMER, False, True),
    "EnrolmentService.join": Case(lambda c, a: c.s.enrolment.join(a, c.programme_id), NEWCOMER, True),
    "EnrolmentService.leave": Case(lambda c, a: c.s.enrolment.leave(a, c.programme_id), NEWCOMER, True),
    "EnrolmentService.participants": Case(lambda c, a: c.s.enrolment.participants(a, c.programme_id), MANAGER, True),
    "EnrolmentService.roster": Case(lambda c, a: c.s.enrolment.roster(a, c.programme_id), MANAGER, True),
    "EnrolmentService.proposal": Case(lambda c, a: c.s.enrolment.proposal(a, c.programme_id), MANAGER, True),
    "EnrolmentService.publish": Case(publish, MANAGER, True),
    "EnrolmentService.profile": Case(lambda c, a: c.s.enrolment.profile(a, c.programme_id), NEWCOMER, True),
    "EnrolmentService.save_profile": Case(lambda c, a: _joined(c, lambda: c.s.enrolment.save_profile(
        a, c.programme_id, PERSONAL_CHAT, ProfileAnswers(job_title="Analyst"))), NEWCOMER, True),
    "EnrolmentService.open_rankings": Case(lambda c, a: c.s.enrolment.open_rankings(a, c.programme_id), MANAGER, True),
    "EnrolmentService.choices": Case(lambda c, a: c.s.enrolment.choices(a, c.programme_id), NEWCOMER, True),
    "EnrolmentService.save_ranking": Case(lambda c, a: _joined(c, lambda: c.s.enrolment.save_ranking(
        a, c.programme_id, PERSONAL_CHAT, [])), NEWCOMER, True),
    "EnrolmentService.change_form": Case(lambda c, a: c.s.enrolment.change_form(a, c.programme_id, None), MANAGER, True),
    "EnrolmentService.change_proposal": Case(lambda c, a: c.s.enrolment.change_proposal(a, c.programme_id, {}), MANAGER, True),
    "EnrolmentService.publish_chosen": Case(publish_chosen, MANAGER, True),
    "EnrolmentService.pair_reserve": Case(lambda c, a: c.s.enrolment.pair_reserve(a, c.programme_id, "r@force.example", NEWCOMER.email),
                                          None, True),
    # SurveyService
    "SurveyService.survey": Case(lambda c, a: _sent(c, lambda: c.s.surveys.survey(a, c.pair_id, Wave.BASELINE)), MENTEE, False),
    "SurveyService.answer": Case(lambda c, a: _sent(c, lambda: c.s.surveys.answer(a, c.pair_id, Wave.BASELINE, {"useful": "4"})), MENTEE, False),
    "SurveyService.close_pairing": Case(lambda c, a: _ended(c, lambda: c.s.surveys.close_pairing(a, c.pair_id, "Trust", "secondment")), MENTEE, False),
    "SurveyService.add_question": Case(lambda c, a: c.s.surveys.add_question(a, c.programme_id, "Did it help?"), MANAGER, True),
    "SurveyService.choose_default": Case(lambda c, a: c.s.surveys.choose_default(a, c.programme_id, 4, False), MANAGER, True),
    "SurveyService.questions": Case(lambda c, a: c.s.surveys.questions(a, c.programme_id), MANAGER, True),
    "SurveyService.next_steps": Case(lambda c, a: c.s.surveys.next_steps(a, c.programme_id), MANAGER, True),
    "SurveyService.record_decision": Case(lambda c, a: c.s.surveys.record_decision(a, c.programme_id, "repeat", "Worked"), MANAGER, True),
    "SurveyService.debrief": Case(lambda c, a: c.s.surveys.debrief(a, c.programme_id), MANAGER, True),
    "SuggestionService.set_shift_pattern": Case(lambda c, a: c.s.suggestions.set_shift_pattern(a, "EELLNN----"), MENTEE, False, True),
    "LineManagerService.look_up": Case(lambda c, a: c.s.line_managers.look_up(a, c.programme_id, []), MANAGER, True),
    "SuggestionService.shift_pattern": Case(lambda c, a: c.s.suggestions.shift_pattern(a), MENTEE, False, True),
}

# No person acts through these: the scheduler calls them, or another service after its own policy check.
SYSTEM = {
    "AlertService.raise_alert": "drift checks, and request_help/request_close after checking the pair member",
    "NudgeService.after_booking": "SessionService.accept, after its check",
    "NudgeService.after_held": "SessionService.record_attendance, after its check",
    "NudgeService.after_pairing": "PairService.pair_people, after its check",
    "PairService.end_pairing": "PairService.close after its check, an erasure of the member's own data, the programme's end",
    "PairService.end_programme": "the due-work sweep, once the programme has ended",
    "NudgeService.deliver": "the due-work sweep",
    "DueWorkService.sweep": "the scheduler's tick",
    "ReportService.operator_report": "the command line, run by an operator who holds the store's credentials",
    "ReportService.operator_all": "the command line, run by an operator who holds the store's credentials",
    "ReportService.find_programme": "the command line (and the operator methods above)",
    "ReportService.rebuild": "the command line, run by an operator who holds the store's credentials",
    "EnrolmentService.offer_reserve": "PairService.end_pairing, after a pairing ended (each caller checked its actor)",
    "PairService.when_ended": "the composition of services (Services.build) wiring what follows a pairing's end",
    "EnrolmentService.import_checked": "the command line (roster import), run by an operator who holds the store's credentials",
    "ReportService.as_file": "formats a report already checked out to its reader; reads nothing",
    "ReportService.side_by_side": "formats reports already checked out to their reader; reads nothing",
    "SurveyService.after_contract_in_force": "ContractService.accept, after its check",
    "SurveyService.deliver": "the due-work sweep",
    "SurveyService.for_report": "ReportService, after its check that the reader manages the programme",
}


async def _sent(scene: Scene, call: Callable[[], Awaitable[Any]]) -> Any:
    """The baseline survey has gone out (as the sweep would send it), then the call."""
    now = scene.world.clock.now()
    await scene.s.surveys.deliver(DueItem(SURVEY, now, scene.pair_id, "", detail=Wave.BASELINE.value), now)
    return await call()


async def _ended(scene: Scene, call: Callable[[], Awaitable[Any]]) -> Any:
    """The programme has reached its end date, then the call."""
    programme = await scene.s.ctx.repos.programmes.get(scene.programme_id)
    scene.world.clock.set(uk_instant(programme.ends_on, time(10, 0)))
    return await call()


def entry_points() -> dict[str, Callable]:
    """Every public method of every service the edge and dialogs can reach."""
    found = {}
    hints = get_type_hints(Services)
    for f in fields(Services):
        if f.name == "ctx":
            continue
        cls = hints[f.name]
        for name, member in inspect.getmembers(cls, inspect.isfunction):
            if not name.startswith("_"):
                found[f"{cls.__name__}.{name}"] = member
    return found


def test_every_entry_point_has_a_case():
    missing = set(entry_points()) - set(CASES) - set(SYSTEM)
    assert not missing, f"add an authorisation case for: {sorted(missing)}"
    assert not (set(CASES) | set(SYSTEM)) - set(entry_points()), "a case names an entry point that no longer exists"


def test_system_entry_points_take_no_actor():
    for name, function in entry_points().items():
        if name in SYSTEM:
            assert "actor" not in inspect.signature(function).parameters, name


def test_every_action_in_the_policy_names_who_may_take_it_and_refuses_kindly():
    assert set(POLICY) == set(Action)
    for action, roles in POLICY.items():
        assert roles and refusal(action) and "Traceback" not in refusal(action)
    assert POLICY[Action.CREATE_PROGRAMME] == {AccessRole.ADMINISTRATOR}
    assert POLICY[Action.ACT_ON_CONCERN] == {AccessRole.SAFEGUARDING_LEAD}


INTRUDERS = {"outsider": OUTSIDER, "manager of another programme": OTHER_MANAGER, "partner": MENTOR}


async def snapshot(scene: Scene) -> tuple:
    """What an intruder must not be able to change: the pair's documents, the programme, the concern."""
    repos = scene.s.ctx.repos
    return (await repos.pairs.get(scene.pair_id), await repos.pairs.contract(scene.pair_id), await repos.pairs.schedule(scene.pair_id),
            await repos.programmes.get(scene.programme_id), await repos.programmes.roster(scene.programme_id),
            await repos.concerns.get(scene.programme_id, scene.concern_id),
            await repos.alerts.find(scene.programme_id, scene.alert_id), await repos.people.get(MENTEE.id))


@pytest.mark.parametrize("who", INTRUDERS)
@pytest.mark.parametrize("entry", sorted(CASES))
async def test_intruders_are_refused(world, entry, who):
    case, intruder = CASES[entry], INTRUDERS[who]
    if who == "partner" and (case.own_record or not case.partner_refused):
        assert case.own_record or case.allowed in (MENTOR, MENTEE)  # their own record, or a step of the pair's
        return
    scene = await build_scene(world)
    before = await snapshot(scene)
    if case.own_record:
        result = await case.call(scene, intruder)
        assert _mentions_nothing_of(scene, result), (entry, result)
    else:
        with pytest.raises(REFUSED):
            await case.call(scene, intruder)
    assert await snapshot(scene) == before, f"{entry} by {who} changed something"


def _mentions_nothing_of(scene: Scene, result: Any) -> bool:
    text = repr(result)
    return all(secret not in text for secret in (scene.pair_id, scene.programme_id, "Nerves", "Something worries me"))


@pytest.mark.parametrize("entry", sorted(name for name, case in CASES.items() if case.allowed is not None))
async def test_someone_who_may_take_the_step_can(world, entry):
    case = CASES[entry]
    scene = await build_scene(world)
    try:
        result = await case.call(scene, case.allowed)
    except AlreadyDone:
        # Both already confirmed the held session in the scene: the step got past the policy to the rule.
        assert entry == "SessionService.record_attendance"
        return
    assert result is not None or entry in {"PairService.heard_from", "SessionService.check_time"}


async def test_a_co_manager_can_be_removed_but_never_the_last_one(world):
    scene = await build_scene(world)
    await scene.s.programmes.appoint_manager(MANAGER, scene.programme_id, NEWCOMER)
    updated = await scene.s.programmes.remove_manager(NEWCOMER, scene.programme_id, MANAGER)
    assert updated.managers == (NEWCOMER.id,)
    with pytest.raises(InvalidState):
        await scene.s.programmes.remove_manager(NEWCOMER, scene.programme_id, NEWCOMER)
    assert await scene.s.pairs.managed_by(MANAGER) == []


async def test_an_administrator_of_another_organisation_is_not_an_administrator_here(world):
    scene = await build_scene(world)
    foreign_admin = Actor("tenant-2", ADMIN.aad_object_id, "Admin elsewhere")
    with pytest.raises(NotAllowed):
        await scene.s.programmes.appoint_manager(foreign_admin, scene.programme_id, NEWCOMER)
    assert TENANT != "tenant-2"


async def test_an_administrator_runs_programmes_but_does_not_see_pairs(world):
    scene = await build_scene(world)
    for step in (lambda: scene.s.alerts.status(ADMIN, scene.programme_id), lambda: scene.s.pairs.view(ADMIN, scene.pair_id),
                 lambda: scene.s.pairs.roster_size(ADMIN, scene.programme_id),
                 lambda: scene.s.safeguarding.acknowledge(ADMIN, scene.programme_id, scene.concern_id)):
        with pytest.raises(NotAllowed):
            await step()


async def test_administrators_listed_by_upn_are_recognised_once_their_upn_is_known(world):
    directory = ListedAdmins(["Chief@Force.Example", "oid-1"])
    assert await directory.is_admin("OID-1", "")
    assert await directory.is_admin("other", "chief@force.example")
    assert not await directory.is_admin("other", "")
    assert not await directory.is_admin("", "")


def test_the_readme_table_is_the_policy():
    from pathlib import Path

    from bot.domain.policy import who_may

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    for action in Action:
        assert f"| {action.value} | {who_may(action)} |" in readme, action
