"""The roster and matching commands of `python -m bot.cli`, straight from a CSV file (no Teams, no store).

    python -m bot.cli roster check FILE.csv
    python -m bot.cli match FILE.csv --method stable|suggested [--kind cross-sector] [--former A,B] [--json]
    python -m bot.cli reserve FILE.csv --for MENTEE [--former MENTOR,MENTEE] [--taken RESERVE] [--json]

Exit status: 0 done; 1 the roster has problems (each printed as line, column, reason); 2 the command or
the file could not be used at all (bad arguments, file missing or unreadable).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import json
import sys
from pathlib import Path
from typing import Sequence, TextIO

from bot.domain.errors import DomainError
from bot.domain.matching import MatchResult, Method, ProgrammeKind, Suggestion, best_reserve_for, former_pairs, match
from bot.domain.roster import Problem, Roster, RosterRejected, check_roster, read_roster

EXIT_OK, EXIT_PROBLEMS, EXIT_UNUSABLE = 0, 1, 2


def add_commands(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    roster = commands.add_parser("roster", help="check a roster CSV file")
    roster_commands = roster.add_subparsers(dest="roster_command", required=True)
    check = roster_commands.add_parser("check", help="print every bad row; exit 1 if any")
    check.add_argument("file", type=Path)
    into = roster_commands.add_parser("import", help="import into the store the bot uses (all or nothing)")
    into.add_argument("file", type=Path)
    into.add_argument("--programme", required=True, help="the programme's name or id")
    into.add_argument("--data", help="path of the embedded database file (default: TANDEM_DATA_PATH or data/tandem.sqlite3)")

    matching = commands.add_parser("match", help="compute matches from a roster CSV file")
    matching.add_argument("file", type=Path)
    matching.add_argument("--method", required=True, choices=[m.value for m in Method])
    matching.add_argument("--kind", default=ProgrammeKind.TRADITIONAL.value, choices=[k.value for k in ProgrammeKind],
                          help="programme kind (cross-sector pairs must span organisations)")
    matching.add_argument("--former", action="append", default=[], metavar="MENTOR,MENTEE",
                          help="a former pair never matched again (repeat for more)")
    matching.add_argument("--json", action="store_true", help="print the result as JSON")

    reserve = commands.add_parser("reserve", help="the best reserve for a mentee whose pairing ended")
    reserve.add_argument("file", type=Path)
    reserve.add_argument("--for", dest="mentee", required=True, metavar="MENTEE", help="the mentee's email")
    reserve.add_argument("--kind", default=ProgrammeKind.TRADITIONAL.value, choices=[k.value for k in ProgrammeKind])
    reserve.add_argument("--former", action="append", default=[], metavar="MENTOR,MENTEE",
                         help="a former pair, such as the one that just ended (repeat for more)")
    reserve.add_argument("--taken", action="append", default=[], metavar="RESERVE",
                         help="a reserve already re-matched (repeat for more)")
    reserve.add_argument("--json", action="store_true", help="print the offer as JSON")
    for command in (roster, matching, reserve):
        command.set_defaults(run=run)


def _read(path: Path, err: TextIO) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        err.write(f"Cannot read {path}: {error.strerror or error}\n")
        raise SystemExit(EXIT_UNUSABLE) from None


def _print_problems(problems: Sequence[Problem], out: TextIO) -> None:
    out.write(f"{len(problems)} problem{'s' if len(problems) != 1 else ''}; nothing in this file can be used:\n")
    for problem in problems:
        out.write(f"  {problem}\n")


def _former(values: list[str], err: TextIO) -> frozenset[frozenset[str]]:
    pairs = []
    for value in values:
        parts = [part.strip() for part in value.split(",")]
        if len(parts) != 2 or not all(parts):
            err.write(f"--former takes MENTOR,MENTEE (two emails and a comma), not {value!r}\n")
            raise SystemExit(EXIT_UNUSABLE)
        pairs.append((parts[0], parts[1]))
    return former_pairs(pairs)


def _table(result: MatchResult, roster: Roster, out: TextIO) -> None:
    out.write(f"{len(result.pairs)} pairs ({result.method.value} matching)\n")
    width = max([len(p.mentor) for p in result.pairs] + [6])
    for pair in result.pairs:
        out.write(f"  {pair.mentor:<{width}}  mentors  {pair.mentee}   score {pair.score}\n")
        for reason in pair.reasons:
            out.write(f"  {'':<{width}}    - {reason}\n")
    if result.unmatched:
        out.write(f"{len(result.unmatched)} not matched\n")
        for person in result.unmatched:
            out.write(f"  {person.email} ({roster.person(person.email).role.value}): {person.reason}\n")


def _reserve(roster: Roster, args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    try:
        offer: Suggestion = best_reserve_for(
            roster, args.mentee, ProgrammeKind(args.kind), _former(args.former, err), args.taken)
    except DomainError as refused:
        err.write(refused.message + "\n")
        return EXIT_PROBLEMS
    if args.json:
        out.write(json.dumps({"mentor": offer.mentor, "mentee": offer.mentee, "score": offer.score,
                              "reasons": list(offer.reasons)}, indent=2, ensure_ascii=False) + "\n")
    else:
        out.write(f"Offer {offer.mentor} to {offer.mentee} (score {offer.score})\n")
        for reason in offer.reasons:
            out.write(f"  - {reason}\n")
    return EXIT_OK


def _import(args: argparse.Namespace, data: bytes, out: TextIO, err: TextIO) -> int:
    """Check the whole file, then import it into the programme; a file with any bad row changes nothing."""
    problems = check_roster(data)
    if problems:
        _print_problems(problems, err)
        return EXIT_PROBLEMS
    from bot import report_cli  # the store the bot uses, opened as the report command opens it

    async def act(args: argparse.Namespace, services) -> str:
        programme = await services.report.find_programme(args.programme)
        imported = await services.enrolment.import_checked(programme, data, "operator")
        return (f"Imported into {programme.name}: {imported.added} added, {imported.updated} updated "
                f"({imported.summary}). They are invited; each joins when they open Tandem and agree.\n")

    try:
        settings = report_cli.Settings.from_env(os.environ, data_path=args.data)
    except report_cli.SettingsError as problem:
        err.write(f"Tandem can't start: {problem}\n")
        return EXIT_UNUSABLE
    if not settings.cosmos_endpoint and not Path(settings.data_path).exists():
        err.write(f"There is no Tandem store at {settings.data_path}.\n")
        return EXIT_UNUSABLE
    try:
        out.write(asyncio.run(report_cli.with_services(settings, lambda services: act(args, services))))
    except DomainError as refusal:
        err.write(refusal.message + "\n")
        return EXIT_PROBLEMS
    return EXIT_OK


def run(args: argparse.Namespace, out: TextIO | None = None, err: TextIO | None = None) -> int:
    out, err = out or sys.stdout, err or sys.stderr
    data = _read(args.file, err)
    if args.command == "roster" and args.roster_command == "import":
        return _import(args, data, out, err)
    if args.command == "roster":
        problems = check_roster(data)
        if problems:
            _print_problems(problems, out)
            return EXIT_PROBLEMS
        out.write(f"{args.file.name}: OK, {read_roster(data).summary()}\n")
        return EXIT_OK

    try:
        roster = read_roster(data)
    except RosterRejected as rejected:
        _print_problems(rejected.problems, err)
        return EXIT_PROBLEMS
    if args.command == "reserve":
        return _reserve(roster, args, out, err)
    result = match(roster, Method(args.method), ProgrammeKind(args.kind), _former(args.former, err))
    if args.json:
        out.write(json.dumps(result.to_json(), indent=2, ensure_ascii=False) + "\n")
    else:
        _table(result, roster, out)
    return EXIT_OK
