"""The profile on joining, launch-day rankings made on a card, and the manager changing a proposal (or
pairing by hand) before publishing: each checked by the service, kindly, with nothing half-saved."""

from __future__ import annotations

import pytest

from bot.domain.enrolment import ProfileAnswers, Status
from bot.domain.errors import InvalidInput, InvalidState, NotAllowed, NotFound
from bot.domain.hand_matching import NOBODY
from bot.domain.matching import Method, ProgrammeKind
from bot.domain.policy import PersonalChatOnly
from bot.domain.programmes import CloseReason
from bot.domain.roster import RosterRole
from bot.services.authority import PERSONAL_CHAT, Place, PlaceKind
from tests.dialogs.harness import World, user

MANAGER = user("Manager")
MEGAN, ISAIAH, LYNNE = user("Megan"), user("Isaiah"), user("Lynne")
ADELE, PATTI, NESTOR = user("Adele"), user("Patti"), user("Nestor")
STRANGER = user("Sam")
GROUP = Place(PlaceKind.GROUP_CHAT, "19:group", "")
FORCE, COMPANY = "City Police", "Fabrikam"


def roster_csv(rows: list[tuple]) -> str:
    return "email,name,role,organisation,capacity\n" + "".join(f"{p.email},{p.name},{role},{org},{cap}\n" for p, role, org, cap in rows)


async def cross_sector(world: World, rows=None, matching: str = "stable") -> str:
    """A cross-sector programme (a force and a company) where everyone on the roster has joined."""
    programme = await world.programme(MANAGER, "Launch day scheme")
    await world.services.programmes.change_settings(MANAGER, programme.id, "cross-sector", matching,
                                                    "leadership; data", f"{FORCE}; {COMPANY}", "monthly")
    rows = rows or [(MEGAN, "mentor", COMPANY, 1), (ISAIAH, "mentor", COMPANY, 1),
                    (ADELE, "mentee", FORCE, 1), (PATTI, "mentee", FORCE, 1)]
    await world.services.enrolment.import_roster(MANAGER, programme.id, roster_csv(rows))
    await world.chat(MANAGER).say("hello")
    for person, *_ in rows:
        await world.chat(person).say("hello")
        await world.services.enrolment.join(person, programme.id)
    return programme.id


async def participant(world: World, programme_id: str, who):
    return await world.services.ctx.repos.participants.find(programme_id, who.email)


# The profile -----------------------------------------------------------------------------------
async def test_a_joined_person_saves_their_profile_from_the_programmes_own_lists(world):
    programme_id = await cross_sector(world)
    saved = await world.services.enrolment.save_profile(MEGAN, programme_id, PERSONAL_CHAT, ProfileAnswers(
        "Head of data", COMPANY.lower(), ("data",), "To help someone grow", "2", "Tue pm; Thu pm", (ADELE.email,)))
    assert (saved.job_title, saved.organisation, saved.focus_areas, saved.capacity) == ("Head of data", COMPANY, ("data",), 2)
    assert saved.exclude == (ADELE.email,) and saved.availability == "Tue pm; Thu pm"
    kept = await participant(world, programme_id, MEGAN)
    assert kept == saved and kept.as_roster_person(2).availability == ("Tue pm", "Thu pm")


@pytest.mark.parametrize("answers, says", [
    (ProfileAnswers(organisation="Contoso"), "from the list"),
    (ProfileAnswers(organisation=""), "choose your organisation"),
    (ProfileAnswers(organisation=FORCE, focus_areas=("cooking",)), "focus areas from the list"),
    (ProfileAnswers(organisation=FORCE, capacity="0"), "whole number from 1"),
    (ProfileAnswers(organisation=FORCE, capacity="two"), "whole number from 1"),
    (ProfileAnswers(organisation=FORCE, exclude=("someone@else.example",)), "from the list"),
    (ProfileAnswers(organisation=FORCE, wants="x" * 501), "500 characters"),
])
async def test_bad_profile_answers_are_refused_kindly_and_change_nothing(world, answers, says):
    programme_id = await cross_sector(world)
    before = await participant(world, programme_id, ISAIAH)
    with pytest.raises(InvalidInput) as refused:
        await world.services.enrolment.save_profile(ISAIAH, programme_id, PERSONAL_CHAT, answers)
    assert says in refused.value.message.lower() or says in refused.value.message
    assert await participant(world, programme_id, ISAIAH) == before


async def test_a_mentees_capacity_is_not_theirs_to_set(world):
    programme_id = await cross_sector(world)
    saved = await world.services.enrolment.save_profile(ADELE, programme_id, PERSONAL_CHAT,
                                                        ProfileAnswers(organisation=FORCE, capacity="9"))
    assert saved.capacity == 1


async def test_a_profile_is_taken_only_in_a_personal_chat_and_only_from_someone_who_joined(world):
    programme_id = await cross_sector(world)
    with pytest.raises(PersonalChatOnly):
        await world.services.enrolment.save_profile(ADELE, programme_id, GROUP, ProfileAnswers(organisation=FORCE))
    await world.services.enrolment.invite(MANAGER, programme_id, [NESTOR], RosterRole.MENTEE)
    with pytest.raises(InvalidState):
        await world.services.enrolment.save_profile(NESTOR, programme_id, PERSONAL_CHAT, ProfileAnswers(organisation=FORCE))
    with pytest.raises(NotFound):
        await world.services.enrolment.save_profile(STRANGER, programme_id, PERSONAL_CHAT, ProfileAnswers(organisation=FORCE))


async def test_someone_excluded_on_the_profile_is_never_proposed(world):
    programme_id = await cross_sector(world, [(MEGAN, "mentor", COMPANY, 1), (ADELE, "mentee", FORCE, 1)])
    await world.services.enrolment.save_profile(ADELE, programme_id, PERSONAL_CHAT,
                                                ProfileAnswers(organisation=FORCE, exclude=(MEGAN.email,)))
    proposal = await world.services.enrolment.proposal(MANAGER, programme_id, Method.SUGGESTED, ProgrammeKind.CROSS_SECTOR)
    assert proposal.result.pairs == ()


# Launch-day rankings ---------------------------------------------------------------------------
async def test_opening_rankings_sends_each_joined_person_a_card_of_the_other_side(world):
    programme_id = await cross_sector(world)
    sent = await world.services.enrolment.open_rankings(MANAGER, programme_id)
    assert sent == 4
    card = world.messenger.to(ADELE.id)[-1].card
    listed = [c["title"] for b in card["body"] if b.get("id") == "choice1" for c in b["choices"]]
    assert listed == ["Isaiah", "Megan"]  # mentors only, for a mentee
    mentor_card = world.messenger.to(MEGAN.id)[-1].card
    assert [c["title"] for b in mentor_card["body"] if b.get("id") == "choice1" for c in b["choices"]] == ["Adele", "Patti"]
    assert [b["label"] for b in card["body"] if b.get("id", "").startswith("choice")] == ["1st choice", "2nd choice"]


async def test_rankings_are_for_managers_and_not_for_programmes_matched_by_hand(world):
    programme_id = await cross_sector(world, matching="by hand")
    with pytest.raises(InvalidState):
        await world.services.enrolment.open_rankings(MANAGER, programme_id)
    with pytest.raises(NotAllowed):
        await world.services.enrolment.open_rankings(STRANGER, programme_id)


async def test_a_ranking_is_saved_most_wanted_first_and_the_same_person_twice_is_refused(world):
    programme_id = await cross_sector(world)
    with pytest.raises(InvalidInput) as twice:
        await world.services.enrolment.save_ranking(ADELE, programme_id, PERSONAL_CHAT, [MEGAN.email, MEGAN.email])
    assert "Megan more than once" in twice.value.message
    with pytest.raises(InvalidInput):  # a mentee from their own side is not theirs to rank
        await world.services.enrolment.save_ranking(ADELE, programme_id, PERSONAL_CHAT, [PATTI.email])
    assert (await participant(world, programme_id, ADELE)).ranking == ()
    saved = await world.services.enrolment.save_ranking(ADELE, programme_id, PERSONAL_CHAT, ["", ISAIAH.email, MEGAN.email])
    assert saved.ranking == (ISAIAH.email, MEGAN.email)
    with pytest.raises(PersonalChatOnly):
        await world.services.enrolment.save_ranking(ADELE, programme_id, GROUP, [MEGAN.email])


async def test_match_stable_follows_the_rankings_made_on_cards(world):
    programme_id = await cross_sector(world)
    s = world.services.enrolment
    # Both mentees would rather have Megan; Megan would rather have Patti: Patti gets her, Adele gets Isaiah.
    await s.save_ranking(ADELE, programme_id, PERSONAL_CHAT, [MEGAN.email, ISAIAH.email])
    await s.save_ranking(PATTI, programme_id, PERSONAL_CHAT, [MEGAN.email])
    await s.save_ranking(MEGAN, programme_id, PERSONAL_CHAT, [PATTI.email, ADELE.email])
    proposal = await s.proposal(MANAGER, programme_id, Method.STABLE, ProgrammeKind.CROSS_SECTOR)
    assert {(p.mentor, p.mentee) for p in proposal.result.pairs} == {(MEGAN.email, PATTI.email), (ISAIAH.email, ADELE.email)}


# The manager changes the proposal --------------------------------------------------------------
async def test_the_change_form_is_prefilled_with_the_proposal_and_offers_only_allowed_mentors(world):
    rows = [(MEGAN, "mentor", COMPANY, 1), (ISAIAH, "mentor", COMPANY, 1), (LYNNE, "mentor", FORCE, 1),
            (ADELE, "mentee", FORCE, 1), (PATTI, "mentee", FORCE, 1)]
    programme_id = await cross_sector(world, rows)
    await world.services.enrolment.save_profile(PATTI, programme_id, PERSONAL_CHAT,
                                                ProfileAnswers(organisation=FORCE, exclude=(ISAIAH.email,)))
    proposal = await world.services.enrolment.proposal(MANAGER, programme_id, Method.SUGGESTED, ProgrammeKind.CROSS_SECTOR)
    form = await world.services.enrolment.change_form(MANAGER, programme_id, Method.SUGGESTED, ProgrammeKind.CROSS_SECTOR)
    by_mentee = {r.mentee: r for r in form.rows}
    assert by_mentee[PATTI.email].allowed == (MEGAN.email,)  # Isaiah excluded, Lynne is in her own organisation
    assert {r.mentee: r.chosen for r in form.rows} == {p.mentee: p.mentor for p in proposal.result.pairs}
    by_hand = await world.services.enrolment.change_form(MANAGER, programme_id, None, ProgrammeKind.CROSS_SECTOR)
    assert {r.chosen for r in by_hand.rows} == {NOBODY}


async def test_changed_pairs_are_checked_for_exclusions_capacity_and_the_programme_kind(world):
    programme_id = await cross_sector(world)
    s = world.services.enrolment
    await s.save_profile(PATTI, programme_id, PERSONAL_CHAT, ProfileAnswers(organisation=FORCE, exclude=(ISAIAH.email,)))
    with pytest.raises(InvalidInput) as excluded:
        await s.change_proposal(MANAGER, programme_id, {PATTI.email: ISAIAH.email}, kind=ProgrammeKind.CROSS_SECTOR)
    assert "asked not to be paired" in excluded.value.message
    with pytest.raises(InvalidInput) as full:
        await s.change_proposal(MANAGER, programme_id, {PATTI.email: MEGAN.email, ADELE.email: MEGAN.email},
                                kind=ProgrammeKind.CROSS_SECTOR)
    assert "Megan can take 1 mentee, not 2" in full.value.message
    with pytest.raises(InvalidInput) as mentor_as_mentee:
        await s.change_proposal(MANAGER, programme_id, {MEGAN.email: ISAIAH.email}, kind=ProgrammeKind.CROSS_SECTOR)
    assert "isn't a mentee" in mentor_as_mentee.value.message
    changed = await s.change_proposal(MANAGER, programme_id, {PATTI.email: MEGAN.email, ADELE.email: NOBODY},
                                      kind=ProgrammeKind.CROSS_SECTOR)
    assert [(p.mentor, p.mentee) for p in changed.result.pairs] == [(MEGAN.email, PATTI.email)]
    assert {u.email for u in changed.result.unmatched} == {ADELE.email, ISAIAH.email} and changed.method is None


async def test_publishing_chosen_pairs_pairs_them_and_a_stale_card_is_refused(world):
    programme_id = await cross_sector(world)
    s = world.services.enrolment
    chosen = {PATTI.email: ISAIAH.email, ADELE.email: MEGAN.email}
    changed = await s.change_proposal(MANAGER, programme_id, chosen, kind=ProgrammeKind.CROSS_SECTOR)
    with pytest.raises(InvalidInput):
        await s.publish_chosen(MANAGER, programme_id, chosen, (), "not-the-digest", ProgrammeKind.CROSS_SECTOR)
    _, published = await s.publish_chosen(MANAGER, programme_id, chosen, (), changed.digest, ProgrammeKind.CROSS_SECTOR)
    assert sorted(published.paired) == [("Isaiah", "Patti"), ("Megan", "Adele")]
    assert [v.partner.name for v in await world.services.pairs.views(PATTI)] == ["Isaiah"]
    with pytest.raises(InvalidInput, match="start again"):  # the same card again: they are paired now
        await s.publish_chosen(MANAGER, programme_id, chosen, (), changed.digest, ProgrammeKind.CROSS_SECTOR)


async def test_a_former_partner_is_paired_again_only_when_the_manager_insists(world):
    programme_id = await cross_sector(world, [(MEGAN, "mentor", COMPANY, 1), (ADELE, "mentee", FORCE, 1)])
    s = world.services.enrolment
    chosen = {ADELE.email: MEGAN.email}
    first = await s.change_proposal(MANAGER, programme_id, chosen, kind=ProgrammeKind.CROSS_SECTOR)
    await s.publish_chosen(MANAGER, programme_id, chosen, (), first.digest, ProgrammeKind.CROSS_SECTOR)
    pair = (await world.services.pairs.views(ADELE))[0].pair
    await world.services.pairs.close(MANAGER, pair.id, CloseReason.NO_FAULT)
    form = await s.change_form(MANAGER, programme_id, None, ProgrammeKind.CROSS_SECTOR)
    assert form.rows[0].former == (MEGAN.email,)
    with pytest.raises(InvalidInput) as refused:
        await s.change_proposal(MANAGER, programme_id, chosen, kind=ProgrammeKind.CROSS_SECTOR)
    assert "I insist" in refused.value.message
    again = await s.change_proposal(MANAGER, programme_id, chosen, [ADELE.email], ProgrammeKind.CROSS_SECTOR)
    assert again.insisted == (ADELE.email,)
    _, published = await s.publish_chosen(MANAGER, programme_id, chosen, [ADELE.email], again.digest, ProgrammeKind.CROSS_SECTOR)
    assert published.paired == (("Megan", "Adele"),)
    assert (await participant(world, programme_id, ADELE)).status is Status.JOINED


async def test_a_line_manager_is_never_offered_or_accepted_as_a_mentor(world):
    programme = await world.programme(MANAGER, "Launch day scheme")
    await world.services.programmes.change_settings(MANAGER, programme.id, "traditional", "suggested", "", "", "monthly")
    roster = ("email,name,role,line_manager\n"
              f"{MEGAN.email},Megan,mentor,\n{ISAIAH.email},Isaiah,mentor,\n{ADELE.email},Adele,mentee,{MEGAN.email}\n")
    await world.services.enrolment.import_roster(MANAGER, programme.id, roster)
    for person in (MEGAN, ISAIAH, ADELE):
        await world.chat(person).say("hello")
        await world.services.enrolment.join(person, programme.id)
    form = await world.services.enrolment.change_form(MANAGER, programme.id, None)
    assert form.rows[0].allowed == (ISAIAH.email,)
    with pytest.raises(InvalidInput) as refused:
        await world.services.enrolment.change_proposal(MANAGER, programme.id, {ADELE.email: MEGAN.email})
    assert "line manager" in refused.value.message
    _, adele, _ = await world.services.enrolment.profile(ADELE, programme.id)
    from cards.enrolment import profile_card
    assert "never be paired with your line manager" in str(profile_card(programme, adele, []))
