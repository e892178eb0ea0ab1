"""The report card: the same numbers as the figures, every chart with a fallback and a FactSet or Table beside it."""

from __future__ import annotations

import json
import os
from dataclasses import replace
from datetime import date
from pathlib import Path

from bot.domain.drift import Health
from bot.domain.report import SUPPRESSED, build_report
from cards.report import report_card
from tests.domain.test_report import on, programme

SNAPSHOT = Path(__file__).parent / "snapshots" / "programme_report.json"
CHARTS = ("Chart.VerticalBar", "Chart.Donut", "Chart.Line")
TEAMS_MESSAGE_LIMIT = 28 * 1024  # bytes of card JSON Teams accepts in one message (about 28 KB)


def pilot_report():
    now = on(date(2027, 4, 20))
    return build_report("prog", "Reverse mentoring pilot", programme(now), now.date())


def big_report():
    """500 pairs over two years: the card must still fit in one Teams message."""
    base = programme(on(date(2027, 4, 20)))[0]
    months = tuple((f"{2026 + m // 12}-{m % 12 + 1:02d}", Health.ON_TRACK if m % 3 else Health.AT_RISK) for m in range(24))
    rows = [replace(base, pair_id=f"p{n:03d}", health_by_month=months) for n in range(500)]
    return build_report("prog", "National programme", rows, date(2027, 12, 31))


def facts_of(card: dict) -> dict[str, str]:
    return {f["title"]: f["value"] for e in card["body"] if e["type"] == "FactSet" for f in e["facts"]}


def test_every_figure_on_the_card_is_the_figure_the_report_computed():
    report = pilot_report()
    shown = facts_of(report_card(report))
    for figure in report.headline + report.pairs + report.health_now:
        assert shown[figure.label] == figure.shown


def test_each_chart_has_a_fallback_and_a_factset_or_table_next_to_it():
    body = report_card(pilot_report())["body"]
    charts = [i for i, e in enumerate(body) if e["type"] in CHARTS]
    assert sorted(body[i]["type"] for i in charts) == sorted(CHARTS)
    for i in charts:
        assert body[i]["fallback"]["type"] in ("TextBlock", "Container", "ColumnSet")
        assert body[i + 1]["type"] in ("FactSet", "Table")


def test_chart_data_are_the_figures_and_never_a_suppressed_cell():
    report = pilot_report()
    body = report_card(report)["body"]
    bar = next(e for e in body if e["type"] == "Chart.VerticalBar")
    assert {d["x"]: d["y"] for d in bar["data"]} == {"Expected": 11, "Held": 10, "Cancelled": 1, "Didn't happen": 1}
    donut = next(e for e in body if e["type"] == "Chart.Donut")
    assert {d["legend"]: d["value"] for d in donut["data"]} == {"On track": 3}  # drifting is suppressed, at risk is 0
    line = next(e for e in body if e["type"] == "Chart.Line")
    table = next(e for e in body if e["type"] == "Table")
    cells = {row["cells"][0]["items"][0]["text"]: [c["items"][0]["text"] for c in row["cells"][1:]] for row in table["rows"][1:]}
    for series, column in zip(line["data"], range(1, 4)):
        for point in series["values"]:
            assert cells[point["x"]][column] == f"{point['y']:g}" and cells[point["x"]][column] != SUPPRESSED


def test_a_year_of_a_500_pair_programme_fits_in_one_teams_message():
    card = report_card(big_report())
    size = len(json.dumps(card).encode())
    assert size < TEAMS_MESSAGE_LIMIT, size
    table = next(e for e in card["body"] if e["type"] == "Table")
    assert len(table["rows"]) == 1 + 12  # the last twelve months; older ones are in the exports


def test_report_card_matches_its_snapshot():
    actual = json.dumps(report_card(pilot_report()), indent=2, ensure_ascii=False) + "\n"
    if os.environ.get("UPDATE_SNAPSHOTS") == "1":
        SNAPSHOT.write_text(actual)
    assert SNAPSHOT.exists(), "no snapshot: review the card, then run with UPDATE_SNAPSHOTS=1"
    assert actual == SNAPSHOT.read_text()


def test_a_survey_section_appears_only_when_there_are_answers():
    from bot.domain.surveys import DEFAULT_QUESTIONS, Wave, aggregate
    from tests.domain.test_surveys import answers

    assert "Survey results" not in json.dumps(report_card(pilot_report()))
    survey = aggregate(DEFAULT_QUESTIONS, answers(Wave.END, 3, [4, 5, 3], comments=[("Keep it going", True)] * 3), {Wave.END: 6})
    card = report_card(replace(pilot_report(), survey=survey))
    facts = facts_of(card)
    assert facts["How confident do you feel in your focus area? (end)"] == "4 of 5"
    assert facts["Response rate (end)"] == "50%"
    # Words people agreed to share go in the exports only, never on the card.
    assert "Keep it going" not in json.dumps(card)
    assert any(e.get("type") == "Chart.VerticalBar.Grouped" and e.get("fallback") for e in card["body"])


def test_a_programme_with_no_pairs_yet_still_makes_a_card_and_a_page():
    from bot.services.report_formats import report_csv, report_html

    empty = build_report("prog", "New programme", [], date(2027, 1, 11))
    card = report_card(empty)
    assert facts_of(card)["Pairs matched"] == "0" and not any(e["type"] == "Chart.Line" for e in card["body"])
    assert "<svg" in report_html(empty) and report_csv(empty).count("\n") == 1 + len(empty.all_figures())
