"""The programme report card: figures, and Teams charts each with a fallback and the same numbers beside it.

Charts (`Chart.VerticalBar`, `Chart.Donut`, `Chart.Line`) render only in Teams clients that support them;
elsewhere each shows its `fallback`. The FactSet or Table next to every chart carries the same numbers
either way, so nothing is lost on a client that draws no charts.
"""

from __future__ import annotations

from typing import Any

from bot.domain.report import RULE, Figure, ProgrammeReport, chart_sections, short_label as _short
from bot.domain.text import plain
from cards import verbs
from cards.adaptive import card, execute, facts, heading, text
from cards.survey import decision_facts

CHART_COLOURS = {"on_track": "good", "at_risk": "warning", "drifting": "attention"}
MAX_MONTHS_SHOWN = 12  # the last year: older months are in the HTML and CSV exports


def _facts(figures: list[Figure]) -> dict[str, Any]:
    return facts((f.label, f.shown) for f in figures)


def _bar_fallback(figures: list[Figure]) -> dict[str, Any]:
    """Bars drawn in text, for clients without charts: one row per figure, the bar scaled to the largest."""
    top = max((f.value or 0 for f in figures), default=0) or 1
    rows = []
    for f in figures:
        bar = "\u2588" * max(1, round(20 * f.value / top)) if f.value else ""
        rows.append({"type": "ColumnSet", "spacing": "None", "columns": [
            {"type": "Column", "width": 2, "items": [text(_short(f.label))]},
            {"type": "Column", "width": 5, "items": [{**text(f"{bar} {f.shown}".strip()), "color": "Accent"}]},
        ]})
    return {"type": "Container", "items": rows}


def sessions_chart(figures: list[Figure]) -> dict[str, Any]:
    return {
        "type": "Chart.VerticalBar", "title": "Sessions against each contract's cadence",
        "xAxisTitle": "Sessions", "yAxisTitle": "Number", "colorSet": "categorical",
        "data": [{"x": _short(f.label), "y": f.value} for f in figures if f.value is not None],
        "fallback": _bar_fallback(figures),
    }


def health_chart(figures: list[Figure]) -> dict[str, Any]:
    return {
        "type": "Chart.Donut", "title": "Pairs now",
        "data": [{"legend": f.label, "value": f.value, **({"color": CHART_COLOURS[f.key]} if f.key in CHART_COLOURS else {})}
                 for f in figures if f.value],
        "fallback": text("Pairs now: " + ", ".join(f"{f.label.lower()} {f.shown}" for f in figures)),
    }


def months_chart(report: ProgrammeReport, months: list) -> dict[str, Any]:
    series = []
    for index, (name, colour) in enumerate((("On track", "good"), ("At risk", "warning"), ("Drifting", "attention"))):
        points = [{"x": m.month, "y": m.health[index].value} for m in months if m.health[index].value is not None]
        series.append({"legend": name, "color": colour, "values": points})
    return {
        "type": "Chart.Line", "title": "Pairs by month", "xAxisTitle": "Month", "yAxisTitle": "Pairs",
        "data": series, "fallback": text("Pairs on track, at risk and drifting by month are in the table below."),
    }


def _cell(value: str, bold: bool = False) -> dict[str, Any]:
    block = text(value)
    if bold:
        block["weight"] = "Bolder"
    return {"type": "TableCell", "items": [block]}


def months_table(months: list) -> dict[str, Any]:
    header = {"type": "TableRow", "style": "accent",
              "cells": [_cell(h, bold=True) for h in ("Month", "Pairs", "On track", "At risk", "Drifting")]}
    rows = [{"type": "TableRow", "cells": [_cell(m.month), _cell(m.pairs.shown)] + [_cell(f.shown) for f in m.health]}
            for m in months]
    return {"type": "Table", "firstRowAsHeader": True, "columns": [{"width": 2}] + [{"width": 1}] * 4,
            "rows": [header] + rows}


def survey_sections(survey: Any) -> list[tuple[str, Figure, Figure]]:
    """The 1-5 questions with a figure to draw at the start or the end (suppressed ones are left out)."""
    from bot.domain.surveys import QuestionKind

    return [(r.question.text, r.baseline, r.end) for r in survey.questions
            if r.question.kind is QuestionKind.SCALE and (r.baseline.value is not None or r.end.value is not None)]


def survey_chart(rows: list[tuple[str, Figure, Figure]]) -> dict[str, Any]:
    """Grouped bars: each question's average at the start and at the end; the fallback says the same in words."""
    def short(question: str) -> str:
        return question if len(question) <= 30 else question[:29] + "\u2026"

    return {
        "type": "Chart.VerticalBar.Grouped", "title": "Average answers (1 to 5), start against end",
        "xAxisTitle": "Question", "yAxisTitle": "Average (1 to 5)", "colorSet": "categorical",
        "data": [{"legend": "Start", "values": [{"x": short(q), "y": b.value} for q, b, _ in rows if b.value is not None]},
                 {"legend": "End", "values": [{"x": short(q), "y": e.value} for q, _, e in rows if e.value is not None]}],
        "fallback": {"type": "Container", "items": [
            text(f"{plain(q)}: start {b.shown}, end {e.shown}") for q, b, e in rows]},
    }


def report_card(report: ProgrammeReport, file_buttons: bool = False) -> dict[str, Any]:
    """`file_buttons`: in a personal chat, buttons that send the report as a CSV file or an HTML page."""
    sections = chart_sections(report)
    months = list(report.by_month)[-MAX_MONTHS_SHOWN:]
    body: list[dict[str, Any]] = [
        heading(f"{report.programme_name}: programme report"),
        text(f"As of {report.as_of.strftime('%d %B %Y')}. {RULE}", subtle=True),
        _facts(list(report.headline) + list(report.pairs)),
        heading("Sessions held against each contract's cadence"),
        sessions_chart(sections["sessions"]), _facts(sections["sessions"]),
        heading("Pairs on track, at risk and drifting now"),
        health_chart(sections["health_now"]), _facts(sections["health_now"]),
    ]
    if months:
        body += [heading("By month"), months_chart(report, months), months_table(months)]
        if len(report.by_month) > len(months):
            body.append(text("Earlier months are in the CSV and HTML exports.", subtle=True))
    if report.survey is not None:
        body += [heading("Survey results"), _facts(list(report.survey.response_rates))]
        pairs = survey_sections(report.survey)
        if pairs:
            body += [heading("Average answers, start against end"), survey_chart(pairs)]
        body.append(_facts([f for f in report.survey.figures() if f not in report.survey.response_rates]))
        if any(q.shared_text for q in report.survey.questions):
            body.append(text("What people chose to share in their own words is in the HTML and CSV exports.", subtle=True))
    if report.decision is not None:
        body += [heading("Debrief decision"), decision_facts(report.decision)]
    actions = [execute(title, verbs.REPORT_FILE, {"programmeId": report.programme_id, "format": fmt})
               for title, fmt in (("CSV file", "csv"), ("HTML page", "html"))] if file_buttons else []
    return {**card(body, actions), "msteams": {"width": "Full"}}
