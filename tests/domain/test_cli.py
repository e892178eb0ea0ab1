"""`python -m bot.cli`, run as a person would: exit codes, the JSON shape, problems listed, never a traceback."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args], cwd=ROOT, capture_output=True, text=True, timeout=60)


def test_roster_check_of_a_good_file_prints_a_summary_and_exits_0():
    run = cli("roster", "check", str(FIXTURES / "s1_formal_diversity.csv"))
    assert run.returncode == 0, run.stderr
    assert run.stdout == (
        "s1_formal_diversity.csv: OK, 17 people: 8 mentees, 8 mentors (8 places), 1 reserve\n")


def test_roster_check_prints_every_bad_row_and_exits_1(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "email,role,capacity,ranking\n"
        "m@contoso.com,mentor,0,\n"
        "e@contoso.com,mentee,,ghost@contoso.com\n"
        "e@contoso.com,boss,,\n", encoding="utf-8")
    run = cli("roster", "check", str(bad))
    assert run.returncode == 1
    assert run.stdout.splitlines() == [
        "4 problems; nothing in this file can be used:",
        "  line 2, column capacity: '0' is not a positive whole number",
        "  line 3, column ranking: ghost@contoso.com is not on the roster",
        "  line 4, column email: e@contoso.com is already on line 3",
        "  line 4, column role: unknown role 'boss'; use mentor, mentee or reserve",
    ]
    assert "Traceback" not in run.stderr


@pytest.mark.parametrize("method", ["stable", "suggested"])
def test_match_json_has_exactly_the_documented_shape(method):
    run = cli("match", str(FIXTURES / "s2_cross_sector_launch_day.csv"), "--method", method, "--kind", "cross-sector",
              "--json")
    assert run.returncode == 0, run.stderr
    result = json.loads(run.stdout)
    assert set(result) == {"pairs", "unmatched"}
    assert len(result["pairs"]) == 4
    for pair in result["pairs"]:
        assert set(pair) == {"mentor", "mentee", "score", "reasons"}
        assert "@" in pair["mentor"] and "@" in pair["mentee"]
        assert isinstance(pair["score"], (int, float)) and not isinstance(pair["score"], bool)
        assert pair["reasons"] and all(isinstance(r, str) and r for r in pair["reasons"])
    assert result["unmatched"] == []


def test_match_lists_the_reserve_as_unmatched_with_a_reason():
    run = cli("match", str(FIXTURES / "s1_formal_diversity.csv"), "--method", "stable", "--json")
    result = json.loads(run.stdout)
    assert result["unmatched"] == [{
        "email": "quentin.adams@cityoflondon.police.uk",
        "reason": "reserve: kept in the pool to re-match someone if a pairing ends",
    }]


def test_match_without_json_prints_a_readable_table():
    run = cli("match", str(FIXTURES / "s3_reverse_pilot.csv"), "--method", "suggested", "--kind", "reverse")
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith("3 pairs (suggested matching)\n")
    assert re.search(r"\n  amina\.yusuf@girlsnetwork\.org\.uk +mentors  d\.walsh@met\.police\.uk   score 4\n", run.stdout)
    assert "- shared focus: knife crime (+3)" in run.stdout


def test_former_pairs_from_the_command_line_are_not_matched_again():
    args = ["match", str(FIXTURES / "s3_reverse_pilot.csv"), "--method", "stable", "--json"]
    before = json.loads(cli(*args).stdout)
    assert {"mentor": "amina.yusuf@girlsnetwork.org.uk", "mentee": "d.walsh@met.police.uk"} in [
        {"mentor": p["mentor"], "mentee": p["mentee"]} for p in before["pairs"]]
    after = json.loads(cli(*args, "--former", "amina.yusuf@girlsnetwork.org.uk,d.walsh@met.police.uk").stdout)
    assert ("amina.yusuf@girlsnetwork.org.uk", "d.walsh@met.police.uk") not in [
        (p["mentor"], p["mentee"]) for p in after["pairs"]]


def test_match_on_a_bad_roster_exits_1_with_the_problems_and_no_output(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"email,role\nnot-an-email,mentor\n")
    run = cli("match", str(bad), "--method", "stable", "--json")
    assert (run.returncode, run.stdout) == (1, "")
    assert "line 2, column email: 'not-an-email' is not an email address" in run.stderr
    assert "Traceback" not in run.stderr


@pytest.mark.parametrize("content", [b"", b"\xff\xfe e\x00m\x00", b'email,role\n"unclosed,mentor\n'])
def test_unusable_files_are_reported_not_crashed_on(tmp_path, content):
    path = tmp_path / "odd.csv"
    path.write_bytes(content)
    run = cli("roster", "check", str(path))
    assert run.returncode == 1
    assert run.stdout.startswith("1 problem; nothing in this file can be used:\n  line ")
    assert "Traceback" not in run.stderr


def test_a_missing_file_or_bad_arguments_exit_2_without_a_traceback(tmp_path):
    missing = cli("roster", "check", str(tmp_path / "nope.csv"))
    assert missing.returncode == 2 and "Cannot read" in missing.stderr and "Traceback" not in missing.stderr
    wrong = cli("match", str(FIXTURES / "s1_formal_diversity.csv"), "--method", "random")
    assert wrong.returncode == 2 and "invalid choice" in wrong.stderr
    former = cli("match", str(FIXTURES / "s1_formal_diversity.csv"), "--method", "stable", "--former", "just-one")
    assert former.returncode == 2 and "--former takes MENTOR,MENTEE" in former.stderr


def test_reserve_offers_the_best_reserve_when_a_pairing_ends_and_explains_when_none_fits():
    s1 = str(FIXTURES / "s1_formal_diversity.csv")
    run = cli("reserve", s1, "--for", "grace.lee@cityoflondon.police.uk",
              "--former", "dev.patel@cityoflondon.police.uk,grace.lee@cityoflondon.police.uk", "--json")
    assert run.returncode == 0, run.stderr
    offer = json.loads(run.stdout)
    assert (offer["mentor"], offer["mentee"]) == ("quentin.adams@cityoflondon.police.uk", "grace.lee@cityoflondon.police.uk")
    assert offer["reasons"][0] == "shared focus: promotion (+3)"
    taken = cli("reserve", s1, "--for", "grace.lee@cityoflondon.police.uk", "--taken", "quentin.adams@cityoflondon.police.uk")
    assert (taken.returncode, taken.stderr) == (1, "There is no reserve left to offer Grace Lee.\n")
    mentor = cli("reserve", s1, "--for", "dev.patel@cityoflondon.police.uk")
    assert mentor.returncode == 1 and "is not a mentee" in mentor.stderr and "Traceback" not in mentor.stderr
