"""S1's reserve: when a pairing ends early (a no-fault close approved, or a mentor leaving), the managers
are offered the best reserve for the mentee left without a mentor, and pair them with one press."""

from __future__ import annotations

from bot.domain.alerts import AlertAction
from bot.domain.enrolment import Status
from bot.domain.roster import RosterRole
from cards import verbs
from tests.dialogs.harness import World, press, text_of, user

MANAGER = user("Manager")
MEGAN, ISAIAH, RESERVE = user("Megan"), user("Isaiah"), user("Lynne")
ADELE, PATTI = user("Adele"), user("Patti")
ROSTER = ("email,name,role,focus_areas\n"
          f"{MEGAN.email},Megan,mentor,knife crime\n{ISAIAH.email},Isaiah,mentor,finance\n"
          f"{RESERVE.email},Lynne,reserve,knife crime\n"
          f"{ADELE.email},Adele,mentee,knife crime\n{PATTI.email},Patti,mentee,finance\n")


async def matched_programme(world: World) -> str:
    programme = await world.programme(MANAGER, "Force mentoring programme")
    await world.chat(MANAGER).say("hello")
    await world.services.enrolment.import_roster(MANAGER, programme.id, ROSTER)
    for person in (MEGAN, ISAIAH, RESERVE, ADELE, PATTI):
        await world.chat(person).say("hello")
        await world.services.enrolment.join(person, programme.id)
    proposal = await world.services.enrolment.proposal(MANAGER, programme.id)
    assert RESERVE.email in {u.email for u in proposal.result.unmatched}  # the reserve waits in the pool
    published = await world.services.enrolment.publish(MANAGER, programme.id, proposal.method, proposal.digest)
    assert sorted(published.paired) == [("Isaiah", "Patti"), ("Megan", "Adele")]
    return programme.id


def offer_card(world: World) -> dict:
    offers = [m.card for m in world.messenger.to(MANAGER.id) if m.card and any(
        a.get("verb") == verbs.RESERVE_PAIR for a in m.card.get("actions", []))]
    assert offers, [m.text for m in world.messenger.to(MANAGER.id)]
    return offers[-1]


async def test_a_no_fault_close_approved_offers_the_reserve_and_one_press_pairs_them(world):
    programme_id = await matched_programme(world)
    (view,) = await world.services.pairs.views(ADELE)
    alert = await world.services.alerts.request_close(ADELE, view.pair.id, "we don't click")
    await world.services.alerts.act(MANAGER, programme_id, alert.id, AlertAction.APPROVE_CLOSE)
    card = offer_card(world)
    assert "A reserve for Adele" in str(card) and "Lynne" in str(card)
    status, body, _ = await press(world.chat(MANAGER), verbs.RESERVE_PAIR, card["actions"][0]["data"])
    assert status == 200 and "Paired." in str(body["value"])
    (new_view,) = await world.services.pairs.views(ADELE)
    assert new_view.partner.name == "Lynne" and new_view.pair.id != view.pair.id
    assert (await world.services.ctx.repos.participants.find(programme_id, RESERVE.email)).role is RosterRole.MENTOR
    _, again, _ = await press(world.chat(MANAGER), verbs.RESERVE_PAIR, card["actions"][0]["data"])
    assert "out of date" in str(again["value"]) or "already" in str(again["value"])  # never paired twice


async def test_a_mentor_leaving_ends_the_pairing_kindly_and_offers_the_reserve(world):
    programme_id = await matched_programme(world)
    (view,) = await world.services.pairs.views(ADELE)
    assert "You've left Force mentoring programme" in text_of(await world.chat(MEGAN).say("leave programme"))
    assert not (await world.services.ctx.repos.pairs.get(view.pair.id)).active
    told = [m.text for m in world.messenger.to(ADELE.id)]
    assert any("ended" in t.lower() for t in told) and not any("fault" in t.lower() and "your" in t.lower() for t in told)
    assert "Lynne" in str(offer_card(world))
    assert (await world.services.ctx.repos.participants.find(programme_id, MEGAN.email)).status is Status.LEFT


async def test_only_a_manager_can_press_the_reserve_offer(world):
    programme_id = await matched_programme(world)
    await world.chat(MEGAN).say("leave programme")
    card = offer_card(world)
    _, body, _ = await press(world.chat(ADELE), verbs.RESERVE_PAIR, card["actions"][0]["data"])
    assert "Only the managers" in str(body["value"])
    assert [v.partner.name for v in await world.services.pairs.views(ADELE)] == []


async def test_a_match_declined_in_its_first_days_ends_kindly_and_offers_the_next_best(world):
    programme_id = await matched_programme(world)
    (view,) = await world.services.pairs.views(ADELE)
    paired = next(m.card for m in world.messenger.to(ADELE.id) if m.card and "You've been paired" in str(m.card))
    button = next(a for a in paired["actions"] if a["verb"] == verbs.MATCH_DECLINE)
    status, body, _ = await press(world.chat(ADELE), verbs.MATCH_DECLINE, button["data"])
    assert status == 200 and "suggest someone else" in str(body["value"])
    assert not (await world.services.ctx.repos.pairs.get(view.pair.id)).active
    assert any("won't go ahead" in (m.text or "") for m in world.messenger.to(MEGAN.id))
    card = offer_card(world)
    assert "Lynne" in str(card) and "Adele" in str(card)
    await press(world.chat(MANAGER), verbs.RESERVE_PAIR, card["actions"][0]["data"])
    assert [v.partner.name for v in await world.services.pairs.views(ADELE)] == ["Lynne"]


async def test_after_the_first_days_a_match_cannot_be_declined_only_closed(world):
    from datetime import timedelta

    await matched_programme(world)
    (view,) = await world.services.pairs.views(PATTI)
    world.clock.advance(timedelta(days=6))
    _, body, _ = await press(world.chat(PATTI), verbs.MATCH_DECLINE, {"pairId": view.pair.id})
    assert "first 5 days" in str(body["value"]) and "**no-fault close**" in str(body["value"])
    assert (await world.services.ctx.repos.pairs.get(view.pair.id)).active
