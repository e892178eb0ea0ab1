"""Other organisations and guests: a programme's own tenant always takes part; another tenant only once a
manager puts it on the programme's allow-list (a cross-sector partner company); a guest account only if the
programme allows guests. Anyone else who is invited or tries to join is refused politely, and nothing is
enrolled. Who acts (tenant, guest) comes from the activity, never from card data."""

from __future__ import annotations

import pytest

from bot.domain.enrolment import Status
from bot.domain.errors import InvalidInput, NotAllowed
from bot.domain.programmes import may_take_part, tenant_list
from bot.domain.roster import RosterRole
from bot.services.context import Actor
from cards import verbs
from tests.dialogs.harness import TENANT, World, press, text_of, user
from tests.dialogs.test_team_invites import team

MANAGER = user("Manager")
FABRIKAM = "3f2504e0-4f89-41d3-9a0c-0305e82c3301"
PARTNER = Actor(FABRIKAM, "aad-priya", "Priya", "29:priya", "priya@fabrikam.example")
GUEST = Actor(TENANT, "aad-gus", "Gus", "29:gus", "gus@outside.example", guest=True)
ROSTER = "email,name,role\npriya@fabrikam.example,Priya,mentor\ngus@outside.example,Gus,mentee\n"


def partner_chat(world: World, who: Actor, guest: bool = False):
    """Their personal chat: the tenant (and a guest's role) as Teams puts them in the activity."""
    chat = world.chat(who)
    chat.adapter.template.channel_data = {"tenant": {"id": who.tenant_id}, **({"userRole": "guest"} if guest else {})}
    return chat


async def cross_sector(world: World, tenants: str = "", guests: bool = False):
    programme = await world.programme(MANAGER, "Cross-sector scheme")
    return await world.services.programmes.change_settings(
        MANAGER, programme.id, "cross-sector", "stable", "", "City Police; Fabrikam", "monthly", tenants, guests)


async def test_an_invitation_to_someone_from_an_unlisted_tenant_is_refused_and_enrols_nobody(world):
    programme = await cross_sector(world)
    assert may_take_part(programme, TENANT, False) and not may_take_part(programme, FABRIKAM, False)
    with pytest.raises(NotAllowed) as refused:
        await world.services.enrolment.invite(MANAGER, programme.id, [PARTNER], RosterRole.MENTOR)
    assert "Priya can't take part. Cross-sector scheme takes part only from City Police and Fabrikam" in refused.value.message
    assert await world.services.ctx.repos.participants.in_programme(programme.id) == []
    assert world.messenger.to(PARTNER.id) == []


async def test_a_listed_partner_tenant_is_invited_joins_and_can_be_paired_across_organisations(world):
    programme = await cross_sector(world, tenants=f"{FABRIKAM.upper()}; {TENANT}")
    assert programme.other_tenants == (FABRIKAM,)  # the own tenant is implied; ids are compared in lower case
    (invited,) = await world.services.enrolment.invite(MANAGER, programme.id, [PARTNER], RosterRole.MENTOR)
    assert invited.status is Status.INVITED
    joined = await world.services.enrolment.join(PARTNER, programme.id)
    assert joined.status is Status.JOINED and joined.person_id == PARTNER.id
    mentee = user("Adele")
    pair = await world.services.pairs.pair_people(MANAGER, programme.id, PARTNER, mentee)
    assert pair.mentor_id == PARTNER.id


async def test_someone_from_an_unlisted_tenant_on_a_roster_is_refused_when_they_press_join(world):
    programme = await cross_sector(world)
    await world.chat(MANAGER).say("hello")
    await world.services.enrolment.import_roster(MANAGER, programme.id, ROSTER)
    chat = partner_chat(world, PARTNER)
    replies = await chat.say("hello")
    assert "You're invited to join Cross-sector scheme" in text_of(replies)
    status, body, _ = await press(chat, verbs.ENROL_JOIN, {"programmeId": programme.id})
    assert status == 200
    assert "Sorry, you can't join. Cross-sector scheme takes part only from City Police and Fabrikam" in str(body["value"])
    kept = await world.services.ctx.repos.participants.find(programme.id, PARTNER.email)
    assert kept.status is Status.INVITED and kept.joined_at is None  # nothing enrolled
    # The manager lists the partner's tenant on the settings card: the same press now joins.
    manager = world.chat(MANAGER)
    card = (await manager.say("programme settings"))[-1].attachments[0].content
    save = {"kind": "cross-sector", "matching": "stable", "focusAreas": "", "organisations": "City Police; Fabrikam",
            "cadence": "monthly", "otherTenants": FABRIKAM, "guests": "false", **card["actions"][0]["data"]}
    _, saved, _ = await press(manager, verbs.PROGRAMME_SAVE, save)
    assert "Saved." in str(saved["value"]) and "its own organisation and 1 other, no guests" in str(saved["value"])
    _, body, _ = await press(chat, verbs.ENROL_JOIN, {"programmeId": programme.id})
    assert "You joined as a mentor" in str(body["value"])


async def test_card_data_cannot_claim_another_tenant_the_activity_decides(world):
    programme = await cross_sector(world)  # Fabrikam not listed
    await world.services.enrolment.import_roster(MANAGER, programme.id, ROSTER)
    chat = partner_chat(world, PARTNER)
    await chat.say("hello")
    _, body, _ = await press(chat, verbs.ENROL_JOIN, {"programmeId": programme.id, "tenantId": TENANT, "tenant": TENANT})
    assert "you can't join" in str(body["value"])
    assert (await world.services.ctx.repos.participants.find(programme.id, PARTNER.email)).status is Status.INVITED


async def test_a_guest_is_refused_unless_the_programme_allows_guests(world):
    programme = await cross_sector(world)
    await world.services.enrolment.import_roster(MANAGER, programme.id, ROSTER)
    chat = partner_chat(world, GUEST, guest=True)
    await chat.say("hello")
    _, body, _ = await press(chat, verbs.ENROL_JOIN, {"programmeId": programme.id})
    assert "and not with guest accounts" in str(body["value"])
    assert (await world.services.ctx.repos.participants.find(programme.id, GUEST.email)).status is Status.INVITED
    with pytest.raises(NotAllowed):
        await world.services.enrolment.invite(MANAGER, programme.id, [GUEST], RosterRole.MENTEE)
    await world.services.programmes.change_settings(MANAGER, programme.id, "cross-sector", "stable", "",
                                                    "City Police; Fabrikam", "monthly", None, True)
    _, body, _ = await press(chat, verbs.ENROL_JOIN, {"programmeId": programme.id})
    assert "You joined as a mentee" in str(body["value"])


async def test_a_team_invite_skips_people_from_unlisted_tenants_and_guests(world):
    programme = await cross_sector(world)
    members = team(2)
    outsiders = [PARTNER, GUEST]
    counted = await world.services.enrolment.invite_members(MANAGER, programme.id, members + outsiders, RosterRole.MENTEE)
    assert (counted.invited, counted.skipped) == (2, 2)
    emails = {p.email for p in await world.services.ctx.repos.participants.in_programme(programme.id)}
    assert emails == {m.email for m in members}


def test_a_tenant_list_takes_only_tenant_ids():
    assert tenant_list(f"{FABRIKAM}, {FABRIKAM}", TENANT) == (FABRIKAM,)
    with pytest.raises(InvalidInput) as refused:
        tenant_list("fabrikam.com", TENANT)
    assert "isn't a tenant id" in refused.value.message


async def test_only_managers_change_who_may_take_part(world):
    programme = await cross_sector(world)
    with pytest.raises(NotAllowed):
        await world.services.programmes.change_settings(PARTNER, programme.id, "cross-sector", "stable", "",
                                                        "City Police; Fabrikam", "monthly", FABRIKAM, True)
    assert (await world.services.ctx.repos.programmes.get(programme.id)).other_tenants == ()
