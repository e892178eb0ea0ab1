"""Benchmark (not a test): the programme report for 500 pairs with a year of sessions, from the embedded store.

    .venv/bin/python -m tests.benchmarks.report [--pairs 500] [--runs 5]

Seeds a programme whose pairs each agreed a monthly contract and held (or missed, or cancelled) a year
of sessions, with alerts; writes each pair's summary the way the drift check does; then times the
report as a manager asks for it (one query of the summaries, one point read of the survey tally, the
figures, the card) and the exports.
For contrast it also times reading every pair's documents instead. Target: under 2 s.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import tempfile
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from bot.clock import ManualClock
from bot.domain.alerts import Alert, AlertAction, AlertKind
from bot.domain.contracts import Cadence, Contract
from bot.domain.drift import assess
from bot.domain.people import Role
from bot.domain.programmes import Pair, PairStatus, Programme
from bot.domain.sessions import Schedule
from bot.domain.surveys import SurveyResponse, SurveyTally, Wave, read_answers, survey_questions
from bot.services.context import Actor, Repositories, ServiceContext
from bot.services.registry import Services
from bot.storage.metered import MeteredStore, counting
from bot.storage.sqlite_store import SqliteDocumentStore
from cards.report import report_card
from tests.dialogs.harness import RecordingMessenger
from tests.domain.builders import clauses

START = datetime(2027, 1, 4, 9, 0, tzinfo=timezone.utc)
END = date(2028, 1, 31)
NOW = datetime(2027, 12, 31, 12, 0, tzinfo=timezone.utc)
MANAGER = Actor("t", "aad-manager", "Manager")


def history(pair_id: str, n: int) -> tuple[Contract, Schedule]:
    agreed = START + timedelta(days=1 + n % 10)
    contract, _ = Contract(pair_id).propose(Role.MENTEE, clauses(cadence=Cadence.MONTHLY, start_date=agreed.date(),
                                                                  review_date=date(2027, 7, 1), end_date=END), END, agreed)
    contract, _ = contract.accept(Role.MENTOR, 1, agreed)
    schedule = Schedule(pair_id)
    for month in range(1, 12):
        starts = datetime(2027, month + 1, 1 + n % 20, 10, 0, tzinfo=timezone.utc)
        booked = starts - timedelta(days=7)
        sid = f"{pair_id}-{month}"
        schedule, _ = schedule.propose(sid, Role.MENTEE, starts, 60, END, booked)
        schedule, _, _ = schedule.accept(Role.MENTOR, sid, END, booked)
        outcome = (n + month) % 9
        if outcome == 0:
            schedule, _ = schedule.cancel(Role.MENTOR, sid, booked + timedelta(days=1))
        else:
            for role in Role:
                schedule, _ = schedule.record_attendance(role, sid, outcome != 1, starts + timedelta(hours=2))
    return contract, schedule


async def seed(services: Services, pairs: int) -> str:
    repos = services.ctx.repos
    programme = Programme("bench", "t", "National programme", (MANAGER.id,), START.date(), END, START)
    await repos.programmes.add(programme)
    for n in range(pairs):
        pair = Pair(f"pair{n:04d}", programme.id, "t", f"t:mentor{n}", f"t:mentee{n}", PairStatus.ACTIVE, START, MANAGER.id)
        await repos.pairs.add(pair)
        await repos.programmes.add_to_roster(pair)
        contract, schedule = history(pair.id, n)
        await repos.pairs.change_contract(pair.id, lambda _c, c=contract: (c, None))
        await repos.pairs.change_schedule(pair.id, lambda _s, s=schedule: (s, None))
        for k in range(n % 3):
            raised = START + timedelta(days=30 * (k + 1) + n % 7)
            alert = Alert(f"help.{pair.id}.{k}", programme.id, pair.id, AlertKind.HELP, "would like a word", raised)
            if k == 0:
                alert = alert.act(AlertAction.RESOLVE, MANAGER.id, MANAGER.name, raised + timedelta(hours=4 + n % 48), "done")
            await repos.alerts.add(alert)
    await seed_surveys(services, programme.id, pairs)
    return programme.id


async def seed_surveys(services: Services, programme_id: str, pairs: int) -> None:
    """Every member asked all three waves; most answer the baseline and the end, a few share their words."""
    questions = survey_questions("reverse", ("Goal one", "Goal two", "Goal three"))

    def fill(tally: SurveyTally) -> tuple[SurveyTally, None]:
        for n in range(pairs):
            for who in (f"t:mentor{n}", f"t:mentee{n}"):
                for wave in Wave:
                    tally = tally.with_invite(wave, who, START)
                    if wave is Wave.MIDPOINT or n % 5 == 0:
                        continue
                    values = {q.id: "yes" if q.kind.value == "yes/no" else str(1 + (n + len(q.id)) % 5)
                              for q in questions if q.kind.value != "text"} | {"comments": "It helped me a great deal " * 4}
                    answers = read_answers(questions, who, f"pair{n:04d}", wave, values, share_text=n % 3 == 0)
                    tally = tally.with_response(SurveyResponse(programme_id, f"pair{n:04d}", who, wave, answers, START))
        return tally, None

    await services.ctx.repos.surveys.change_tally(programme_id, fill)


async def every_document(services: Services, programme_id: str) -> int:
    """What the report would cost without summaries: the roster, then every pair's documents."""
    repos, healths = services.ctx.repos, 0
    for pair_id in await repos.programmes.roster(programme_id):
        pair = await repos.pairs.get(pair_id)
        assess(pair, await repos.pairs.contract(pair_id), await repos.pairs.schedule(pair_id), NOW)
        await repos.alerts.for_pair(programme_id, pair_id)
        healths += 1
    return healths


def timed(values: list[float]) -> str:
    return f"median {statistics.median(values) * 1000:.0f} ms, max {max(values) * 1000:.0f} ms"


async def main(pairs: int, runs: int) -> None:
    store = MeteredStore(await SqliteDocumentStore.open(Path(tempfile.mkdtemp()) / "bench.sqlite3"))
    services = Services.build(ServiceContext(Repositories.over(store), RecordingMessenger(), ManualClock(NOW)))
    began = time.perf_counter()
    programme_id = await seed(services, pairs)
    print(f"seeded {pairs} pairs, 11 monthly sessions each, alerts: {time.perf_counter() - began:.1f}s")
    began = time.perf_counter()
    written = await services.report.rebuild(programme_id)
    per_pair = (time.perf_counter() - began) / max(written, 1)
    print(f"summaries written: {written} ({per_pair * 1000:.1f} ms per pair, as the drift check does after each change)")

    reports, cards, htmls, csvs = [], [], [], []
    for _ in range(runs):
        began = time.perf_counter()
        with counting() as trips:
            report = await services.report.programme_report(MANAGER, programme_id)
        reports.append(time.perf_counter() - began)
        began = time.perf_counter()
        card = report_card(report)
        cards.append(time.perf_counter() - began)
        began = time.perf_counter()
        html = services.report.as_file(report, "html").text
        htmls.append(time.perf_counter() - began)
        began = time.perf_counter()
        services.report.as_file(report, "csv")
        csvs.append(time.perf_counter() - began)
    total = [a + b for a, b in zip(reports, cards)]
    survey_doc = await store.read("programmes", programme_id, "survey")
    print(f"survey document (tally of {len(survey_doc.body['entries'])} responses): {len(json.dumps(survey_doc.body).encode()):,} bytes; "
          f"survey figures on the report: {len(report.survey.figures()) if report.survey else 0}")
    print(f"report from the store ({trips.queries} query, {trips.point_reads} point reads): {timed(reports)}")
    print(f"card built: {timed(cards)}; card size {len(json.dumps(card).encode()):,} bytes")
    print(f"report + card: {timed(total)} (target under 2000 ms: {'met' if max(total) < 2 else 'NOT met'})")
    print(f"HTML export: {timed(htmls)}, {len(html.encode()):,} bytes; CSV export: {timed(csvs)}")
    print(f"figures: pairs {report.figure('pairs_matched').shown}, sessions held {report.figure('sessions_held').shown} "
          f"of {report.figure('sessions_expected').shown} ({report.figure('sessions_held_pct').shown}), "
          f"alerts {report.figure('alerts_raised').shown}")
    began = time.perf_counter()
    with counting() as trips:
        await every_document(services, programme_id)
    print(f"for contrast, reading every pair's documents: {(time.perf_counter() - began) * 1000:.0f} ms, "
          f"{trips.point_reads} point reads and {trips.queries} queries")
    await store.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--pairs", type=int, default=500)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    asyncio.run(main(args.pairs, args.runs))
