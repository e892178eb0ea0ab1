"""Tandem's command line: rosters and matching from a CSV file, and programme reports from the store.

    python -m bot.cli roster check FILE.csv
    python -m bot.cli match FILE.csv --method stable|suggested [--json]
    python -m bot.cli reserve FILE.csv --for MENTEE [--json]
    python -m bot.cli report --programme NAME --format html|csv [--data PATH] [--out FILE]
"""

from __future__ import annotations

import argparse
import sys
from typing import Sequence

from bot import report_cli, roster_cli


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot.cli", description="Tandem's command line.")
    commands = parser.add_subparsers(dest="command", required=True)
    roster_cli.add_commands(commands)
    report_cli.add_commands(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(sys.argv[1:] if argv is None else argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
