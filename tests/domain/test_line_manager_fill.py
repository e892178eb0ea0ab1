"""Filling a roster's line managers from the directory: only where the row is empty, never oneself."""

from bot.domain.roster import read_roster, with_line_managers

ROSTER = """email,role,line_manager
a@force.example,mentor,
b@force.example,mentee,c@force.example
"""


def test_the_directory_fills_empty_rows_only_and_nobody_is_their_own_line_manager():
    roster = read_roster(ROSTER)
    filled = with_line_managers(roster, {"a@force.example": "A@force.example", "b@force.example": "d@force.example"})
    assert filled.person("a@force.example").line_manager == ""  # the directory named themselves
    assert filled.person("b@force.example").line_manager == "c@force.example"
    assert with_line_managers(roster, {"a@force.example": " Boss@Force.example "}).person("a@force.example").line_manager == "boss@force.example"
    assert with_line_managers(roster, {}) == roster
