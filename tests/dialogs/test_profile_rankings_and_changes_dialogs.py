"""Through the bot: the join card turns into the profile card, **my profile** reopens it, the manager's
**open rankings** (or the roster card's button) sends the ranking cards, and the proposal card's Change
pairs leads to a checked proposal that publishes the manager's pairs. Matching by hand starts there."""

from __future__ import annotations

from bot.domain.enrolment import Status
from cards import verbs
from tests.dialogs.harness import World, press, text_of, user
from tests.dialogs.test_authorisation_dialogs import say_in_group

MANAGER = user("Manager")
MEGAN, ISAIAH = user("Megan"), user("Isaiah")
ADELE, PATTI = user("Adele"), user("Patti")
FORCE, COMPANY = "City Police", "Fabrikam"
ROSTER = ("email,name,role,organisation\n"
          f"{MEGAN.email},Megan,mentor,{COMPANY}\n{ISAIAH.email},Isaiah,mentor,{COMPANY}\n"
          f"{ADELE.email},Adele,mentee,{FORCE}\n{PATTI.email},Patti,mentee,{FORCE}\n")


def card_of(replies) -> dict:
    return [a.attachments[0].content for a in replies if a.attachments][-1]


def button(card: dict, verb: str) -> dict:
    return next(a for a in card.get("actions", []) if a["verb"] == verb)


def inputs(card: dict) -> dict[str, dict]:
    return {b["id"]: b for b in card["body"] if b["type"].startswith("Input.")}


async def scheme(world: World, matching: str = "stable", join: bool = True) -> str:
    programme = await world.programme(MANAGER, "Launch day scheme")
    await world.services.programmes.change_settings(MANAGER, programme.id, "cross-sector", matching,
                                                    "leadership; data, analysis", f"{FORCE}; {COMPANY}", "monthly")
    await world.chat(MANAGER).say("hello")
    await world.services.enrolment.import_roster(MANAGER, programme.id, ROSTER)
    for person in (MEGAN, ISAIAH, ADELE, PATTI):
        await world.chat(person).say("hello")
        if join:
            await world.services.enrolment.join(person, programme.id)
    return programme.id


async def test_joining_turns_the_card_into_the_profile_and_saving_it_keeps_the_answers(world):
    programme_id = await scheme(world, join=False)
    chat = world.chat(MEGAN)
    _, body, _ = await press(chat, verbs.ENROL_JOIN, {"programmeId": programme_id})
    profile = body["value"]
    assert "You joined as a mentor" in str(profile)
    fields = inputs(profile)
    assert [c["title"] for c in fields["organisation"]["choices"]] == [FORCE, COMPANY]
    assert [c["title"] for c in fields["focusAreas"]["choices"]] == ["leadership", "data, analysis"]
    assert fields["capacity"]["value"] == 1 and "my shifts" in str(profile)
    assert [c["title"] for c in fields["exclude"]["choices"]] == ["Adele", "Isaiah", "Patti"]
    save = button(profile, verbs.PROFILE_SAVE)["data"]
    _, body, _ = await press(chat, verbs.PROFILE_SAVE, {**save, "jobTitle": "Head of data", "organisation": "1",
                                                       "focusAreas": "1", "wants": "Help someone grow", "capacity": 2,
                                                       "availability": "Thu pm", "exclude": PATTI.email})
    assert "Saved your profile" in str(body["value"]) and "data, analysis" in str(body["value"])
    saved = await world.services.ctx.repos.participants.find(programme_id, MEGAN.email)
    assert (saved.organisation, saved.focus_areas, saved.capacity, saved.exclude) == (COMPANY, ("data, analysis",), 2, (PATTI.email,))
    assert saved.job_title == "Head of data" and saved.availability == "Thu pm"


async def test_a_bad_profile_comes_back_as_filled_in_with_a_kind_word(world):
    programme_id = await scheme(world)
    chat = world.chat(ISAIAH)
    _, body, _ = await press(chat, verbs.PROFILE_SAVE, {"programmeId": programme_id, "jobTitle": "Sergeant", "organisation": "1",
                                                       "wants": "Learn to listen", "capacity": "0"})
    shown = body["value"]
    assert "whole number from 1 to 10" in str(shown)
    assert inputs(shown)["wants"]["value"] == "Learn to listen" and inputs(shown)["organisation"]["value"] == "1"
    kept = await world.services.ctx.repos.participants.find(programme_id, ISAIAH.email)
    assert kept.wants == "" and kept.capacity == 1


async def test_my_profile_reopens_the_card_only_in_a_personal_chat(world):
    programme_id = await scheme(world)
    replies = await world.chat(ADELE).say("my profile")
    assert "Your profile in Launch day scheme" in text_of(replies)
    assert "capacity" not in inputs(card_of(replies))  # a mentee is not asked how many mentees they take
    group = await say_in_group(world.chat(ADELE, "groupChat"), "my profile")
    assert "only show it in our personal chat" in group
    _, body, _ = await press(world.chat(ADELE, "groupChat"), verbs.PROFILE_SAVE, {"programmeId": programme_id})
    assert "only take it in our personal chat" in str(body["value"])
    nobody = await world.chat(user("Sam")).say("my profile")
    assert "haven't joined a programme" in text_of(nobody)


async def test_open_rankings_then_choices_on_cards_decide_match_stable(world):
    programme_id = await scheme(world)
    reply = text_of(await world.chat(MANAGER).say("open rankings"))
    assert "Sent 4 people" in reply and "**match stable**" in reply
    adele = world.chat(ADELE)
    card = world.messenger.to(ADELE.id)[-1].card
    save = button(card, verbs.RANKING_SAVE)["data"]
    _, body, _ = await press(adele, verbs.RANKING_SAVE, {**save, "choice1": MEGAN.email, "choice2": MEGAN.email})
    assert "You chose Megan more than once" in str(body["value"])
    assert inputs(body["value"])["choice2"]["value"] == MEGAN.email  # the card as she left it
    _, body, _ = await press(adele, verbs.RANKING_SAVE, {**save, "choice1": ISAIAH.email, "choice2": MEGAN.email})
    assert "Saved your choices" in str(body["value"])
    assert (await world.services.ctx.repos.participants.find(programme_id, ADELE.email)).ranking == (ISAIAH.email, MEGAN.email)
    await world.services.enrolment.save_ranking(PATTI, programme_id, _personal(), [ISAIAH.email])
    await world.services.enrolment.save_ranking(ISAIAH, programme_id, _personal(), [ADELE.email])
    shown = text_of(await world.chat(MANAGER).say("match stable"))
    assert "stable matching" in shown and "Isaiah and Adele" in shown and "Megan and Patti" in shown


async def test_the_roster_card_of_a_launch_day_programme_opens_rankings_with_a_press(world):
    await scheme(world)
    manager = world.chat(MANAGER)
    roster = card_of(await manager.say("roster"))
    _, body, _ = await press(manager, verbs.RANKINGS_OPEN, button(roster, verbs.RANKINGS_OPEN)["data"])
    assert "Sent 4 people" in str(body["value"])
    assert any(m.card and "1st choice" in str(m.card) for m in world.messenger.to(PATTI.id))
    _, body, _ = await press(world.chat(ADELE), verbs.RANKINGS_OPEN, button(roster, verbs.RANKINGS_OPEN)["data"])
    assert "Only the managers" in str(body["value"])


async def test_the_manager_changes_a_proposal_and_publishes_their_pairs(world):
    programme_id = await scheme(world, matching="suggested")
    manager = world.chat(MANAGER)
    proposal = card_of(await manager.say("match"))
    _, body, _ = await press(manager, verbs.MATCH_CHANGE, button(proposal, verbs.MATCH_CHANGE)["data"])
    change = body["value"]
    rows = inputs(change)
    assert {rows["mentor0"]["value"], rows["mentor1"]["value"]} <= {MEGAN.email, ISAIAH.email}  # prefilled
    check = button(change, verbs.MATCH_CHANGE_SAVE)["data"]
    _, body, _ = await press(manager, verbs.MATCH_CHANGE_SAVE, {**check, "mentor0": MEGAN.email, "mentor1": MEGAN.email})
    assert "Megan can take 1 mentee, not 2" in str(body["value"]) and "Choose pairs" in str(body["value"])
    _, body, _ = await press(manager, verbs.MATCH_CHANGE_SAVE, {**check, "mentor0": ISAIAH.email, "mentor1": "nobody"})
    chosen = body["value"]
    assert "1 pair, by your choice" in str(chosen) and "Isaiah and Adele" in str(chosen)
    _, body, _ = await press(manager, verbs.MATCH_PUBLISH, button(chosen, verbs.MATCH_PUBLISH)["data"])
    assert "Published 1 pairs" in str(body["value"])
    assert [v.partner.name for v in await world.services.pairs.views(ADELE)] == ["Isaiah"]
    assert await world.services.pairs.views(PATTI) == []
    _, again, _ = await press(manager, verbs.MATCH_PUBLISH, button(chosen, verbs.MATCH_PUBLISH)["data"])
    assert "say **match** to start again" in str(again["value"])


async def test_matching_by_hand_opens_the_change_card_with_nobody_chosen(world):
    await scheme(world, matching="by hand")
    replies = await world.chat(MANAGER).say("match")
    assert "made by hand" in text_of(replies)
    rows = inputs(card_of(replies))
    assert [rows[k]["value"] for k in ("mentor0", "mentor1")] == ["nobody", "nobody"]
    assert len(card_of(replies)["actions"]) <= 5


async def test_someone_who_has_not_joined_gets_no_ranking_card(world):
    programme_id = await scheme(world, join=False)
    await world.services.enrolment.join(ADELE, programme_id)
    await world.services.enrolment.join(MEGAN, programme_id)
    reply = text_of(await world.chat(MANAGER).say("open rankings"))
    assert "Sent 2 people" in reply
    assert not any(m.card and "1st choice" in str(m.card) for m in world.messenger.to(PATTI.id))
    assert (await world.services.ctx.repos.participants.find(programme_id, PATTI.email)).status is Status.INVITED


def _personal():
    from bot.services.authority import PERSONAL_CHAT
    return PERSONAL_CHAT


async def test_help_points_someone_who_joined_to_their_profile(world):
    await scheme(world)
    assert "**my profile**" in text_of(await world.chat(ADELE).say("help"))
    assert "**my profile**" not in text_of(await world.chat(user("Sam")).say("help"))
