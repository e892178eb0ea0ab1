"""The report as files: CSV of the figures, and a self-contained HTML page (inline SVG charts, no scripts or fonts).

Both show exactly the figures' `shown` text, so a suppressed cell is "fewer than 3" everywhere, and
neither carries the bases the figures were drawn from (a base of 2 would undo the suppression).
"""

from __future__ import annotations

import csv
import io
import math
from html import escape

from bot.domain.report import RULE, Figure, ProgrammeReport, chart_sections, short_label as _short

HEALTH_COLOURS = {"on_track": "#2e7d32", "at_risk": "#ef6c00", "drifting": "#c62828"}
BAR_COLOUR = "#3949ab"


def rows(report: ProgrammeReport) -> list[tuple[str, Figure]]:
    """Every figure with the section it belongs to, in reading order."""
    out = [("Headline", f) for f in report.headline] + [("Pairs", f) for f in report.pairs]
    out += [("Health now", f) for f in report.health_now]
    for month in report.by_month:
        out += [(f"Health {month.month}", month.pairs)] + [(f"Health {month.month}", f) for f in month.health]
    if report.survey is not None:
        out += [("Survey", f) for f in report.survey.figures()]
    if report.decision is not None:
        out.append(("Debrief", Figure("decision", "Decision", None, report.decision.decision.value, 0)))
    return out


def shared_text_rows(report: ProgrammeReport) -> list[tuple[str, str]]:
    """(question, text) for words their authors agreed to share, never with a name (exports only)."""
    if report.survey is None:
        return []
    return [(r.question.text, t) for r in report.survey.questions for t in r.shared_text]


def report_csv(report: ProgrammeReport) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["programme", "as of", "section", "figure", "value", "shown"])
    for section, f in rows(report):
        writer.writerow([report.programme_name, report.as_of.isoformat(), section, f.label,
                         "" if f.value is None else f"{f.value:g}", f.shown])
    for question, words in shared_text_rows(report):
        writer.writerow([report.programme_name, report.as_of.isoformat(), "Survey (shared words)", question, "", words])
    return buffer.getvalue()


def reports_csv(reports: list[ProgrammeReport]) -> str:
    """Every programme side by side: one row per figure, one column per programme."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["section", "figure"] + [r.programme_name for r in reports])
    order: list[tuple[str, str, str]] = []
    shown: dict[tuple[str, str], dict[str, str]] = {}
    for r in reports:
        for section, f in rows(r):
            key = (section, f.label)
            if key not in shown:
                order.append((section, f.label, f.key))
                shown[key] = {}
            shown[key][r.programme_id] = f.shown
    for section, label, _ in order:
        writer.writerow([section, label] + [shown[(section, label)].get(r.programme_id, "") for r in reports])
    return buffer.getvalue()


# HTML ---------------------------------------------------------------------------------------------

STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:2rem;color:#1b1b1b;max-width:60rem}
h1{font-size:1.5rem}h2{font-size:1.15rem;margin-top:2rem}table{border-collapse:collapse;margin:.5rem 0}
td,th{border:1px solid #ccc;padding:.3rem .6rem;text-align:left}th{background:#f3f3f3}
.note{color:#555;font-size:.9rem}figure{margin:1rem 0}svg text{font-size:12px;fill:#1b1b1b}
"""

def _table(figures: list[Figure], head: tuple[str, str] = ("Figure", "Value")) -> str:
    body = "".join(f"<tr><td>{escape(f.label)}</td><td>{escape(f.shown)}</td></tr>" for f in figures)
    return f"<table><tr><th>{head[0]}</th><th>{head[1]}</th></tr>{body}</table>"


def _bar_svg(figures: list[Figure], title: str) -> str:
    shown = [f for f in figures if f.value is not None]
    width, height, pad = 80 * max(len(figures), 1) + 40, 200, 30
    top = max((f.value for f in shown), default=0) or 1
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{escape(title)}" width="{width}" height="{height + 40}">']
    for i, f in enumerate(figures):
        x = 30 + i * 80
        if f.value is None:
            parts.append(f'<text x="{x}" y="{height - 4}">{escape(f.shown)}</text>')
        else:
            h = (height - pad) * f.value / top
            parts.append(f'<rect x="{x}" y="{height - h:.1f}" width="50" height="{h:.1f}" fill="{BAR_COLOUR}"/>'
                         f'<text x="{x}" y="{height - h - 4:.1f}">{escape(f.shown)}</text>')
        parts.append(f'<text x="{x}" y="{height + 16}">{escape(_short(f.label))}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _donut_svg(figures: list[Figure], title: str) -> str:
    shown = [f for f in figures if f.value]
    total = sum(f.value for f in shown)
    r, cx, cy, stroke = 60, 80, 80, 28
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{escape(title)}" width="360" height="170">']
    if total:
        circumference, offset = 2 * math.pi * r, 0.0
        for f in shown:
            length = circumference * f.value / total
            parts.append(f'<circle cx="{cx}" cy="{cy}" r="{r}" fill="none" stroke="{HEALTH_COLOURS.get(f.key, BAR_COLOUR)}" '
                         f'stroke-width="{stroke}" stroke-dasharray="{length:.2f} {circumference - length:.2f}" '
                         f'stroke-dashoffset="{-offset:.2f}" transform="rotate(-90 {cx} {cy})"/>')
            offset += length
    else:
        parts.append(f'<circle cx="{cx}" cy="{cy}" r="{r}" fill="none" stroke="#ddd" stroke-width="{stroke}"/>')
    for i, f in enumerate(figures):
        parts.append(f'<rect x="180" y="{30 + i * 24}" width="12" height="12" fill="{HEALTH_COLOURS.get(f.key, BAR_COLOUR)}"/>'
                     f'<text x="198" y="{41 + i * 24}">{escape(f.label)}: {escape(f.shown)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _line_svg(report: ProgrammeReport, title: str) -> str:
    months = report.by_month
    width, height = max(120 * len(months), 240) + 60, 200
    top = max((f.value or 0 for m in months for f in m.health), default=0) or 1
    step = (width - 80) / max(len(months) - 1, 1)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{escape(title)}" width="{width}" height="{height + 40}">']
    for series in range(3):
        points = [(40 + i * step, height - (height - 30) * m.health[series].value / top)
                  for i, m in enumerate(months) if m.health[series].value is not None]
        colour = list(HEALTH_COLOURS.values())[series]  # the health cells are always on track, at risk, drifting
        if len(points) > 1:
            parts.append(f'<polyline fill="none" stroke="{colour}" stroke-width="2" points="'
                         + " ".join(f"{x:.1f},{y:.1f}" for x, y in points) + '"/>')
        parts += [f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{colour}"/>' for x, y in points]
    for i, m in enumerate(months):
        parts.append(f'<text x="{40 + i * step - 20:.1f}" y="{height + 16}">{escape(m.month)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _month_table(report: ProgrammeReport) -> str:
    head = "<tr><th>Month</th><th>Pairs</th><th>On track</th><th>At risk</th><th>Drifting</th></tr>"
    body = "".join(f"<tr><td>{escape(m.month)}</td><td>{escape(m.pairs.shown)}</td>"
                   + "".join(f"<td>{escape(f.shown)}</td>" for f in m.health) + "</tr>" for m in report.by_month)
    return f"<table>{head}{body}</table>"


def _programme_body(report: ProgrammeReport) -> str:
    sections = chart_sections(report)
    html = [f"<h1>{escape(report.programme_name)}: programme report</h1>",
            f'<p class="note">As of {report.as_of.strftime("%d %B %Y")}. {escape(RULE)}</p>',
            "<h2>Figures</h2>", _table(list(report.headline) + list(report.pairs)),
            "<h2>Sessions held against each contract's cadence</h2>",
            f"<figure>{_bar_svg(sections['sessions'], 'Sessions')}</figure>", _table(sections["sessions"]),
            "<h2>Pairs on track, at risk and drifting now</h2>",
            f"<figure>{_donut_svg(sections['health_now'], 'Health now')}</figure>", _table(sections["health_now"], ("Pairs", "Count")),
            "<h2>Pairs on track, at risk and drifting by month</h2>",
            f"<figure>{_line_svg(report, 'Health by month')}</figure>" if len(report.by_month) > 1 else "", _month_table(report)]
    if report.survey is not None:
        html += ["<h2>Survey results</h2>", _table(report.survey.figures())]
        for result in report.survey.questions:
            if result.shared_text:
                html.append(f"<h3>{escape(result.question.text)} (shared by their authors)</h3><ul>"
                            + "".join(f"<li>{escape(t)}</li>" for t in result.shared_text) + "</ul>")
    if report.decision is not None:
        d = report.decision
        html += ["<h2>Debrief decision</h2>", f"<p>{escape(d.decision.value.capitalize())}"
                 + (f": {escape(d.reasons)}" if d.reasons else "") + "</p>"]
    return "".join(html)


def _page(title: str, body: str) -> str:
    return (f'<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8"><title>{escape(title)}</title>'
            f"<style>{STYLE}</style></head><body>{body}</body></html>\n")


def report_html(report: ProgrammeReport) -> str:
    return _page(f"{report.programme_name}: programme report", _programme_body(report))


def reports_html(reports: list[ProgrammeReport]) -> str:
    """All programmes side by side (the same figures), then each programme's own charts."""
    head = "<tr><th>Figure</th>" + "".join(f"<th>{escape(r.programme_name)}</th>" for r in reports) + "</tr>"
    body = ""
    if reports:
        for i, f in enumerate(list(reports[0].headline) + list(reports[0].pairs) + list(reports[0].health_now)):
            cells = "".join(f"<td>{escape((list(r.headline) + list(r.pairs) + list(r.health_now))[i].shown)}</td>" for r in reports)
            body += f"<tr><td>{escape(f.label)}</td>{cells}</tr>"
    parts = ["<h1>Tandem programmes side by side</h1>", f'<p class="note">{escape(RULE)}</p>', f"<table>{head}{body}</table>"]
    parts += [f"<section>{_programme_body(r)}</section>" for r in reports]
    return _page("Tandem programmes side by side", "".join(parts))
