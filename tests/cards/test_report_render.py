"""The report card as a real client library sees it: parsed by npm `adaptivecards`, rendered in Chromium."""

from __future__ import annotations

from cards.report import report_card
from tests.cards.render.render import parse, render
from tests.cards.test_report_card import big_report, pilot_report

CHART_FALLBACKS = {f'Unknown element type "{t}". Fallback will be used if present.'
                   for t in ("Chart.VerticalBar", "Chart.Donut", "Chart.Line")}


def test_the_library_finds_nothing_wrong_but_the_teams_only_charts_which_fall_back():
    for report in (pilot_report(), big_report()):
        parsed = parse(report_card(report))
        assert {e["message"] for e in parsed["events"]} == CHART_FALLBACKS
        assert parsed["validation"] == [] and parsed["version"] == "1.5"


async def test_the_card_renders_in_chromium_with_every_chart_replaced_by_its_fallback(tmp_path):
    png = tmp_path / "programme_report.png"  # the reviewed copies: python -m tests.cards.render.render
    visible = " ".join((await render(report_card(pilot_report()), png)).split())
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 10_000
    for words in ("Pairs matched", "fewer than 3", "90.9%", "Pairs now: on track 3", "are in the table below", "\u2588"):
        assert words in visible, words
