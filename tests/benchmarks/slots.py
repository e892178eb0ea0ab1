"""Benchmark (not a test): three suggested slots for each of 1,000 pairs, target under 5 seconds.

Each pair has a realistic month: an officer on a rota (a mix of 4-on/4-off long days, earlies/lates/nights,
"tell me each time" and no rota), a partner in a UK, Irish or US office with working hours, and 20-60 busy
blocks each, over a 6-week window that crosses the autumn clock change. Seeded, so runs compare.

    .venv/bin/python -m tests.benchmarks.slots
"""

from __future__ import annotations

import random
import statistics
import time as clock
from datetime import date, datetime, time, timedelta, timezone

from bot.domain.intervals import Interval
from bot.domain.shifts import AskEachTime, Rota
from bot.domain.slots import Diary, WorkingHours, suggest

PAIRS = 1_000
TARGET_SECONDS = 5.0
WINDOW_START = datetime(2027, 10, 18, 7, tzinfo=timezone.utc)
WINDOW_END = WINDOW_START + timedelta(weeks=6)
ROTAS = ("DDDD----", "EELLNN----", "EEEE----", "LLLL----", "NNNN----")
ZONES = ("Europe/London", "Europe/Dublin", "America/New_York")


def busy_blocks(rng: random.Random, count: int) -> list[Interval]:
    blocks = []
    for _ in range(count):
        start = WINDOW_START + timedelta(minutes=15 * rng.randrange(0, 6 * 7 * 96))
        blocks.append(Interval(start, start + timedelta(minutes=rng.choice((30, 60, 90, 120, 240)))))
    return blocks


def pairs(rng: random.Random) -> list[tuple[Diary, Diary]]:
    made = []
    for n in range(PAIRS):
        kind = n % 7
        if kind < 5:
            pattern = Rota.parse(ROTAS[kind], date(2027, 10, 1) + timedelta(days=rng.randrange(10)))
        else:
            pattern = AskEachTime() if kind == 5 else None
        officer = Diary(f"officer-{n}", busy=busy_blocks(rng, rng.randint(20, 60)), pattern=pattern)
        hours = WorkingHours(frozenset(range(5)), time(rng.choice((8, 9))), time(rng.choice((17, 18))),
                             rng.choice(ZONES))
        partner = Diary(f"partner-{n}", busy=busy_blocks(rng, rng.randint(20, 60)), working_hours=hours)
        made.append((officer, partner))
    return made


def main() -> None:
    made = pairs(random.Random(13))
    timings = []
    found = short = 0
    started, cpu_started = clock.perf_counter(), clock.process_time()
    for officer, partner in made:
        one = clock.perf_counter()
        suggestions = suggest(officer, partner, WINDOW_START, WINDOW_END)
        timings.append(clock.perf_counter() - one)
        found += len(suggestions.slots)
        short += len(suggestions.slots) < 3
    total, cpu = clock.perf_counter() - started, clock.process_time() - cpu_started
    print(f"pairs                     {PAIRS}")
    print(f"slots suggested           {found}  (pairs with fewer than 3: {short})")
    print(f"total seconds             {total:.3f}  (target < {TARGET_SECONDS:g}; CPU {cpu:.3f})")
    print(f"per pair ms  median       {statistics.median(timings) * 1000:.2f}")
    print(f"per pair ms  95th pct     {sorted(timings)[int(0.95 * len(timings))] * 1000:.2f}")
    print(f"per pair ms  max          {max(timings) * 1000:.2f}")
    print("PASS" if total < TARGET_SECONDS else "SLOW")


if __name__ == "__main__":
    main()
