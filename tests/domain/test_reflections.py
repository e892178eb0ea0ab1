"""A reflection is private to its author unless the author shares it with their partner; never managers."""

from __future__ import annotations

import pytest

from bot.domain.errors import InvalidInput, InvalidState
from bot.domain.people import Role
from bot.domain.reflections import Reflection, new_reflection
from bot.domain.sessions import Session, SessionStatus
from tests.domain.builders import NOW, at
from bot.storage.kinds import REFLECTION

HELD = Session("s1", at(20), 60, Role.MENTEE, NOW, SessionStatus.HELD, attendance={"mentor": True, "mentee": True})


def reflection(shared: bool = False, **changes) -> Reflection:
    values = dict(discussed="Stop and search", learned="How trust is built", next_steps="Read the report", rating=4)
    values.update(changes)
    return new_reflection("mentee-id", "p1", Role.MENTEE, HELD, values["discussed"], values["learned"],
                          values["next_steps"], values["rating"], shared, NOW)


def test_mentor_cannot_read_the_mentees_private_reflection():
    private = reflection()
    assert private.readable_by("mentee-id", partner_id="mentor-id")
    assert not private.readable_by("mentor-id", partner_id="mentor-id")


def test_shared_reflection_is_readable_by_the_partner_and_nobody_else():
    shared = reflection(shared=True)
    assert shared.readable_by("mentor-id", partner_id="mentor-id")
    assert not shared.readable_by("manager-id", partner_id="mentor-id")


@pytest.mark.parametrize("rating", [0, 6, "five", None, "2.5"])
def test_rating_must_be_a_whole_number_from_1_to_5(rating):
    with pytest.raises(InvalidInput, match="from 1"):
        reflection(rating=rating)


def test_blank_answers_are_refused_kindly():
    with pytest.raises(InvalidInput, match="what I learned"):
        reflection(learned="   ")


def test_reflection_only_for_a_held_session():
    confirmed = Session("s2", at(20), 60, Role.MENTEE, NOW, SessionStatus.CONFIRMED)
    with pytest.raises(InvalidState):
        new_reflection("mentee-id", "p1", Role.MENTEE, confirmed, "a", "b", "c", 3, False, NOW)


def test_one_reflection_per_person_per_session():
    assert reflection().id == reflection(discussed="Something else").id == "s1.mentee"


def test_reflection_round_trips_through_its_document():
    r = reflection(shared=True)
    assert REFLECTION.load(REFLECTION.dump(r)) == r
