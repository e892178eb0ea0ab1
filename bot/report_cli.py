"""The report command of `python -m bot.cli`, for operators who hold the store's credentials.

    python -m bot.cli report --programme NAME --format html|csv [--data PATH] [--out FILE] [--rebuild]
    python -m bot.cli report --all --format html|csv [--data PATH] [--out FILE]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from pathlib import Path
from typing import Any

from bot.clock import SystemClock
from bot.domain.errors import DomainError
from bot.domain.people import Person
from bot.services.context import Delivery, Message, Repositories, ServiceContext
from bot.services.registry import Services
from bot.services.report import FORMATS, Export, ReportService
from bot.settings import Settings, SettingsError
from bot.storage.engines import open_store


class NoMessages:
    """The command line reads and reports; it never messages anyone."""

    async def send(self, person: Person, message: Message) -> Delivery:
        raise RuntimeError("the command line sends no messages")

    async def post(self, conversation: dict[str, Any], message: Message) -> Delivery:
        raise RuntimeError("the command line sends no messages")

    async def update(self, delivery: Delivery, card: dict[str, Any]) -> None:
        raise RuntimeError("the command line sends no messages")


def add_commands(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    report = commands.add_parser("report", help="a programme's report (or every programme's) as CSV or HTML")
    which = report.add_mutually_exclusive_group(required=True)
    which.add_argument("--programme", help="the programme's name or id")
    which.add_argument("--all", action="store_true", help="every programme side by side")
    report.add_argument("--format", choices=FORMATS, default="html")
    report.add_argument("--data", help="path of the embedded database file (default: TANDEM_DATA_PATH or data/tandem.sqlite3)")
    report.add_argument("--out", help="write to this file instead of standard output")
    report.add_argument("--rebuild", action="store_true",
                        help="first rewrite every pair's summary from its own documents (data from before summaries)")
    report.set_defaults(run=run, act=run_report)


async def run_report(args: argparse.Namespace, services: Services) -> Export:
    reports: ReportService = services.report
    if args.all:
        if args.rebuild:
            for entry in await services.ctx.repos.programmes.directory():
                await reports.rebuild(entry["id"])
        return reports.side_by_side(await reports.operator_all(), args.format)
    if args.rebuild:
        await reports.rebuild((await reports.find_programme(args.programme)).id)
    return reports.as_file(await reports.operator_report(args.programme), args.format)


async def with_services(settings: Settings, act):
    """Open the store the bot uses, run `act(services)` with nobody to message, and close it."""
    store = await open_store(settings)
    try:
        return await act(Services.build(ServiceContext(Repositories.over(store), NoMessages(), SystemClock())))
    finally:
        await store.close()


async def _run(args: argparse.Namespace, settings: Settings) -> Export:
    return await with_services(settings, lambda services: args.act(args, services))


def run(args: argparse.Namespace) -> int:
    try:
        settings = Settings.from_env(os.environ, data_path=getattr(args, "data", None))
    except SettingsError as problem:
        print(f"Tandem can't start: {problem}", file=sys.stderr)
        return 2
    if not settings.cosmos_endpoint and not Path(settings.data_path).exists():
        print(f"There is no Tandem store at {settings.data_path}.", file=sys.stderr)
        return 2
    try:
        export = asyncio.run(_run(args, settings))
    except DomainError as refusal:
        print(refusal.message, file=sys.stderr)
        return 2
    if args.out:
        Path(args.out).write_text(export.text, encoding="utf-8")
        print(f"Wrote {args.out}", file=sys.stderr)
    else:
        sys.stdout.write(export.text)
    return 0
