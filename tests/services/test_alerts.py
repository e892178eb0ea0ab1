"""Manager alerts: raised once, sent to every manager, acted on by managers only, updated everywhere."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.domain.alerts import AlertAction, AlertKind, AlertState
from bot.domain.errors import AlreadyDone, NotAllowed
from cards import verbs
from tests.dialogs.harness import user

MANAGER, DEPUTY, MENTOR, MENTEE, OUTSIDER = user("Manager"), user("Deputy"), user("Megan"), user("Adele"), user("Sam")


async def two_managers(world) -> tuple[str, str]:
    pair_id = await world.pair(MANAGER, MENTOR, MENTEE)
    pair = await world.services.ctx.repos.pairs.get(pair_id)
    for who in (MANAGER, DEPUTY):
        await world.services.pairs.register(who, {"conversation": {"id": f"conv-{who.aad_object_id}"}})
    await world.services.ctx.repos.programmes.change(
        pair.programme_id, lambda p: __import__("dataclasses").replace(p, managers=p.managers + (DEPUTY.id,)))
    return pair_id, pair.programme_id


def alert_cards(world, person_id):
    return [m for m in world.messenger.to(person_id) if m.card and any(
        a.get("verb") == verbs.ALERT_ACKNOWLEDGE for a in m.card.get("actions", []))]


async def test_a_help_request_reaches_every_manager_and_not_the_partner(world):
    pair_id, _ = await two_managers(world)
    await world.services.alerts.request_help(MENTEE, pair_id, "We keep missing each other")
    for manager in (MANAGER, DEPUTY):
        cards = alert_cards(world, manager.id)
        assert len(cards) == 1 and "We keep missing each other" in str(cards[0].card)
    assert alert_cards(world, MENTOR.id) == []


async def test_only_a_pair_member_can_ask_for_help_for_that_pair(world):
    pair_id, _ = await two_managers(world)
    with pytest.raises(NotAllowed):
        await world.services.alerts.request_close(OUTSIDER, pair_id, "")


async def test_a_manager_acting_updates_every_managers_copy_and_shows_who_and_when(world):
    pair_id, programme_id = await two_managers(world)
    alert = await world.services.alerts.request_close(MENTEE, pair_id, "")
    assert alert.kind is AlertKind.CLOSE and len(alert.deliveries) == 2
    updated, card = await world.services.alerts.act(DEPUTY, programme_id, alert.id, AlertAction.ACKNOWLEDGE)
    assert updated.state is AlertState.ACKNOWLEDGED and "Deputy acknowledged" in str(card)
    assert len(world.messenger.updates) == 2 and all("Deputy acknowledged" in str(c) for _, c in world.messenger.updates)


async def test_someone_who_is_not_a_manager_cannot_act_on_an_alert(world):
    pair_id, programme_id = await two_managers(world)
    alert = await world.services.alerts.request_help(MENTEE, pair_id, "")
    for intruder in (MENTOR, OUTSIDER):
        with pytest.raises(NotAllowed):
            await world.services.alerts.act(intruder, programme_id, alert.id, AlertAction.RESOLVE, "done")


async def test_messaging_the_pair_reaches_both_members(world):
    pair_id, programme_id = await two_managers(world)
    alert = await world.services.alerts.request_help(MENTEE, pair_id, "")
    await world.services.alerts.act(MANAGER, programme_id, alert.id, AlertAction.MESSAGE, "Can we talk on Tuesday?")
    for member in (MENTOR, MENTEE):
        assert any("Can we talk on Tuesday?" in m.text for m in world.messenger.to(member.id))


async def test_drift_raises_one_alert_per_occurrence_however_often_it_is_checked(world):
    pair_id, programme_id = await two_managers(world)
    world.clock.advance(timedelta(days=15))  # no contract two weeks after pairing
    for _ in range(3):
        await world.services.ctx.recheck(pair_id)
        world.clock.advance(timedelta(minutes=3))  # a re-check falls due two minutes on
        await world.services.due_work.sweep()
    alerts = await world.services.ctx.repos.alerts.in_programme(programme_id)
    assert [a.kind for a in alerts] == [AlertKind.DRIFT] and "no contract" in alerts[0].reason
    assert len(alert_cards(world, MANAGER.id)) == 1


async def test_status_shows_whether_pairs_meet_never_what_they_said(world):
    pair_id, programme_id = await two_managers(world)
    await world.agree_contract(pair_id, MENTOR, MENTEE)
    session = await world.hold_session(pair_id, MENTOR, MENTEE)
    await world.services.reflections.write(MENTEE, pair_id, session.id, "SECRET-TOPIC", "SECRET-LESSON", "SECRET-PLAN", 5, True)
    card = str(await world.services.alerts.status(MANAGER, programme_id))
    assert "1 on track" in card and "Megan and Adele" in card
    assert "SECRET" not in card
    with pytest.raises(NotAllowed):
        await world.services.alerts.status(MENTOR, programme_id)


async def test_the_same_message_pressed_again_soon_is_sent_once_and_a_new_one_is_sent(world):
    pair_id, programme_id = await two_managers(world)
    alert = await world.services.alerts.request_help(MENTEE, pair_id, "")
    await world.services.alerts.act(MANAGER, programme_id, alert.id, AlertAction.MESSAGE, "Can we talk on Tuesday?")
    with pytest.raises(AlreadyDone):  # pressed again (a slow reply, a fault): the same message, not a second one
        await world.services.alerts.act(MANAGER, programme_id, alert.id, AlertAction.MESSAGE, " Can we talk on Tuesday? ")
    await world.services.alerts.act(MANAGER, programme_id, alert.id, AlertAction.MESSAGE, "Or Wednesday?")
    world.clock.advance(timedelta(minutes=20))
    await world.services.alerts.act(MANAGER, programme_id, alert.id, AlertAction.MESSAGE, "Can we talk on Tuesday?")
    for member in (MENTOR, MENTEE):
        texts = [m.text for m in world.messenger.to(member.id)]
        assert sum("Can we talk on Tuesday?" in t for t in texts) == 2 and sum("Or Wednesday?" in t for t in texts) == 1
