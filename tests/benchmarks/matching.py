"""Benchmark (not a test): matching 1,000 mentees with 1,000 mentors (rankings of 20 each), both methods,
and checking a 20,000-row roster CSV. Prints seconds and peak memory. Target: under 2 s per method.

    .venv/bin/python -m tests.benchmarks.matching
"""

from __future__ import annotations

import csv
import io
import random
import resource
import time
import tracemalloc

from bot.domain.matching import Method, ProgrammeKind, former_pairs, match
from bot.domain.roster import check_roster, read_roster

FOCUS = [f"focus area {k}" for k in range(30)]
SLOTS = ["mon am", "mon pm", "tue am", "tue pm", "wed am", "wed pm", "thu am", "thu pm", "fri am", "earlies", "lates"]
WANTS = ["promotion to sergeant", "leadership confidence", "understand new technologies", "wellbeing and morale",
         "investigations experience", "community engagement", "risk management"]
ORGANISATIONS = ["Contoso Police", "Fabrikam", "Northwind"]


def roster_csv(mentees: int, mentors: int, ranking: int, seed: int = 2026) -> bytes:
    rng = random.Random(seed)
    mentee_emails = [f"mentee{k:05d}@contoso.com" for k in range(mentees)]
    mentor_emails = [f"mentor{k:05d}@fabrikam.com" for k in range(mentors)]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["email", "name", "role", "organisation", "focus_areas", "capacity", "line_manager",
                     "exclude", "ranking", "wants", "availability"])
    for k, email in enumerate(mentee_emails):
        choices = rng.sample(mentor_emails, min(ranking, mentors))
        manager = mentor_emails[k % mentors] if k % 10 == 0 and mentor_emails[k % mentors] not in choices else ""
        writer.writerow([email, f"Mentee {k}", "mentee", rng.choice(ORGANISATIONS), ";".join(rng.sample(FOCUS, 3)),
                         "", manager, "", ";".join(choices), rng.choice(WANTS), ";".join(rng.sample(SLOTS, 3))])
    for k, email in enumerate(mentor_emails):
        choices = rng.sample(mentee_emails, min(ranking, mentees))
        excluded = [e for e in rng.sample(mentee_emails, 2) if e not in choices] if k % 7 == 0 else []
        writer.writerow([email, f"Mentor {k}", "mentor", rng.choice(ORGANISATIONS), ";".join(rng.sample(FOCUS, 4)),
                         "1", "", ";".join(excluded), ";".join(choices), "", ";".join(rng.sample(SLOTS, 4))])
    return out.getvalue().encode("utf-8-sig")


def timed(action):
    """(result, wall seconds, CPU seconds): on a shared machine the CPU time is the fairer number."""
    started, cpu = time.perf_counter(), time.process_time()
    result = action()
    return result, time.perf_counter() - started, time.process_time() - cpu


def peak_mib(action) -> float:
    tracemalloc.start()
    action()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 2**20


def main() -> None:
    data = roster_csv(1000, 1000, 20)
    roster, read_seconds, read_cpu = timed(lambda: read_roster(data))
    print(f"roster of {roster.summary()}: read and checked in {read_seconds:.2f} s ({read_cpu:.2f} s CPU)")
    former = former_pairs([(f"mentor{k:05d}@fabrikam.com", f"mentee{k:05d}@contoso.com") for k in range(0, 1000, 50)])
    print(f"{'method':<12} {'kind':<14} {'seconds':>8} {'CPU s':>6} {'peak MiB':>9} {'pairs':>6} {'unmatched':>9}")
    for method in Method:
        for kind in (ProgrammeKind.TRADITIONAL, ProgrammeKind.CROSS_SECTOR):
            match(roster, method, kind, former)  # warm-up: imports and first-call costs are not the algorithm
            result, seconds, cpu = timed(lambda: match(roster, method, kind, former))
            peak = peak_mib(lambda: match(roster, method, kind, former))
            print(f"{method.value:<12} {kind.value:<14} {seconds:>8.2f} {cpu:>6.2f} {peak:>9.1f} {len(result.pairs):>6} "
                  f"{len(result.unmatched):>9}")

    big = roster_csv(10_000, 10_000, 20, seed=7)
    problems, seconds, cpu = timed(lambda: check_roster(big))
    peak = peak_mib(lambda: check_roster(big))
    print(f"roster check of 20,000 rows ({len(big) / 2**20:.1f} MiB, rankings of 20): {seconds:.2f} s "
          f"({cpu:.2f} s CPU), "
          f"peak {peak:.0f} MiB, {len(problems)} problems")
    print(f"process max RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
