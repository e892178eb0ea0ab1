"""Participants on every engine: one per email per programme, listed in one partition, found by email
across programmes through the invitation index."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timezone

from bot.domain.enrolment import Participant, Status
from bot.domain.roster import RosterRole
from bot.storage.repositories import ParticipantRepository

NOW = datetime(2027, 1, 11, 9, 0, tzinfo=timezone.utc)


def someone(programme: str, email: str, role: RosterRole = RosterRole.MENTEE) -> Participant:
    return Participant(programme, email, role, Status.INVITED, NOW, name=email.split("@")[0], focus_areas=("knife crime",))


async def test_participants_are_kept_per_programme_and_found_by_email(store):
    repo = ParticipantRepository(store)
    await repo.put_all([someone("p1", f"person{i}@force.example") for i in range(40)] + [someone("p2", "person3@force.example")])
    listed = await repo.in_programme("p1")
    assert [p.email for p in listed] == sorted(f"person{i}@force.example" for i in range(40))
    assert listed[0] == someone("p1", "person0@force.example")  # every field survives the round trip
    assert [p.email for p in await repo.in_programme("p2")] == ["person3@force.example"]
    assert await repo.programmes_inviting("person3@force.example") == ["p1", "p2"]
    assert await repo.programmes_inviting("nobody@force.example") == []
    assert await repo.find("p1", "PERSON7@force.example") is not None and await repo.find("p3", "person7@force.example") is None


async def test_a_participant_changes_in_place_and_a_second_put_replaces_not_duplicates(store):
    repo = ParticipantRepository(store)
    await repo.put(someone("p1", "adele@force.example"))
    joined = await repo.change("p1", "adele@force.example", lambda p: p.join("t:adele", "Adele Vance", None, NOW))
    assert joined.status is Status.JOINED and (await repo.find("p1", "adele@force.example")).person_id == "t:adele"
    await repo.put(replace(joined, organisation="Newham Youth"))
    (only,) = await repo.in_programme("p1")
    assert only.organisation == "Newham Youth" and only.status is Status.JOINED


async def test_removing_a_participant_takes_them_out_of_the_programme_and_the_index(store):
    repo = ParticipantRepository(store)
    await repo.put_all([someone("p1", "adele@force.example"), someone("p2", "adele@force.example"), someone("p1", "nia@force.example")])
    assert [p.programme_id for p in await repo.of_email("adele@force.example")] == ["p1", "p2"]
    await repo.remove("p1", "adele@force.example")
    assert [p.programme_id for p in await repo.of_email("adele@force.example")] == ["p2"]
    assert [p.email for p in await repo.in_programme("p1")] == ["nia@force.example"]
    await repo.remove("p1", "adele@force.example")  # again: nothing left to remove, and no error


async def test_a_saved_profile_and_launch_day_choices_survive_the_round_trip(store):
    repo = ParticipantRepository(store)
    await repo.put(someone("p1", "megan@fabrikam.example", RosterRole.MENTOR))
    profile = await repo.change("p1", "megan@fabrikam.example", lambda p: replace(
        p, job_title="Head of data", organisation="Fabrikam", wants="Help someone grow", capacity=2,
        availability="Tue pm; Thu pm", exclude=("adele@force.example",), ranking=("lynne@force.example", "patti@force.example")))
    assert await repo.find("p1", "megan@fabrikam.example") == profile
    assert (await repo.in_programme("p1"))[0].availability == "Tue pm; Thu pm"


async def test_forgetting_a_programme_takes_it_out_of_everyones_invitation_index_once(store):
    repo = ParticipantRepository(store)
    await repo.put_all([someone("p1", f"person{i}@force.example") for i in range(5)] + [someone("p2", "person3@force.example")])
    assert await repo.forget_programme("p1") == 5
    assert await repo.programmes_inviting("person3@force.example") == ["p2"]
    assert [await repo.programmes_inviting(f"person{i}@force.example") for i in (0, 1, 2, 4)] == [[]] * 4
    assert len(await repo.in_programme("p1")) == 5  # the participants themselves go with the programme's records
    assert await repo.forget_programme("p1") == 0  # a second run finds nothing left to remove
    assert await repo.forget_programme("nothing-here") == 0
