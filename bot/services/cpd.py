"""A participant's CPD/PDR evidence: their own goals, session dates and reflections, for them alone.

Built only from the actor's own partition (their reflections) and the pairs they belong to; a
partner's reflections, even shared ones, and the partner's name are left out: the record is the
author's, to attach to their own CPD or PDR record.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from bot.domain.reflections import Reflection
from bot.domain.sessions import Session
from bot.domain.uktime import format_day, format_uk, uk_today
from bot.services.context import Actor, ServiceContext
from bot.services.report import Export


@dataclass(frozen=True)
class MentoringRecord:
    programme: str
    role: str
    goals: tuple[str, ...]
    held: tuple[Session, ...]
    reflections: tuple[Reflection, ...]


class CpdService:
    def __init__(self, ctx: ServiceContext):
        self._ctx = ctx

    async def records(self, actor: Actor) -> list[MentoringRecord]:
        """The actor's own mentoring, pair by pair: nobody can ask for someone else's."""
        repos = self._ctx.repos
        person = await repos.people.find(actor.id)
        if person is None:
            return []
        mine = await repos.reflections.by_author(actor.id)
        records = []
        for membership in person.memberships:
            programme = await repos.programmes.get(membership.programme_id)
            contract = await repos.pairs.contract(membership.pair_id)
            schedule = await repos.pairs.schedule_history(membership.pair_id)
            in_force = contract.in_force
            records.append(MentoringRecord(
                programme.name, membership.role.value, in_force.clauses.goals if in_force else (), tuple(schedule.held()),
                tuple(sorted((r for r in mine if r.pair_id == membership.pair_id), key=lambda r: r.session_starts_at)),
            ))
        return records

    async def export(self, actor: Actor, fmt: str = "text") -> Export:
        records = await self.records(actor)
        today = format_day(uk_today(self._ctx.clock.now()))
        if fmt == "html":
            return Export("tandem-cpd-record.html", "text/html", _html(actor.name, today, records))
        return Export("tandem-cpd-record.md", "text/markdown", _text(actor.name, today, records))


def _text(name: str, today: str, records: list[MentoringRecord]) -> str:
    lines = [f"# Mentoring record for {name}", f"Produced by Tandem on {today}. Private to you.", ""]
    if not records:
        lines.append("You're not in a mentoring pair yet.")
    for r in records:
        lines += [f"## {r.programme} ({r.role})", "", "**Goals**"]
        lines += [f"- {g}" for g in r.goals] or ["- no contract agreed yet"]
        lines += ["", f"**Sessions held** ({len(r.held)})"]
        lines += [f"- {format_uk(s.starts_at)}, {s.minutes} minutes" for s in r.held] or ["- none yet"]
        lines += ["", "**My reflections**"]
        if not r.reflections:
            lines.append("- none yet")
        for x in r.reflections:
            lines += [f"- Session of {format_uk(x.session_starts_at)} (rated {x.rating}/5)",
                      f"  - Discussed: {x.discussed}", f"  - Learned: {x.learned}", f"  - Next: {x.next_steps}"]
        lines.append("")
    return "\n".join(lines)


def _html(name: str, today: str, records: list[MentoringRecord]) -> str:
    parts = [f"<h1>Mentoring record for {escape(name)}</h1>", f"<p>Produced by Tandem on {escape(today)}. Private to you.</p>"]
    if not records:
        parts.append("<p>You're not in a mentoring pair yet.</p>")
    for r in records:
        goals = "".join(f"<li>{escape(g)}</li>" for g in r.goals) or "<li>no contract agreed yet</li>"
        held = "".join(f"<li>{escape(format_uk(s.starts_at))}, {s.minutes} minutes</li>" for s in r.held) or "<li>none yet</li>"
        notes = "".join(
            f"<li><strong>Session of {escape(format_uk(x.session_starts_at))}</strong> (rated {x.rating}/5)<dl>"
            f"<dt>Discussed</dt><dd>{escape(x.discussed)}</dd><dt>Learned</dt><dd>{escape(x.learned)}</dd>"
            f"<dt>Next</dt><dd>{escape(x.next_steps)}</dd></dl></li>" for x in r.reflections) or "<li>none yet</li>"
        parts.append(f"<h2>{escape(r.programme)} ({escape(r.role)})</h2><h3>Goals</h3><ul>{goals}</ul>"
                     f"<h3>Sessions held ({len(r.held)})</h3><ul>{held}</ul><h3>My reflections</h3><ul>{notes}</ul>")
    return ('<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8"><title>Mentoring record</title>'
            '<style>body{font-family:system-ui,sans-serif;margin:2rem;max-width:50rem}dt{font-weight:bold}</style></head><body>'
            + "".join(parts) + "</body></html>\n")
