"""`python -m bot.cli report` writes the same report as the bot, from the store on disk."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from pathlib import Path

from bot.storage.sqlite_store import SqliteDocumentStore
from tests.dialogs.harness import World
from tests.services.pilot import MANAGER, run_pilot

ROOT = Path(__file__).resolve().parents[2]


def cli(*args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TANDEM_")}
    return subprocess.run([sys.executable, "-m", "bot.cli", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


async def pilot_store(path: Path):
    store = await SqliteDocumentStore.open(path)
    world = World(store)
    programme_id, _ = await run_pilot(world)
    report = await world.services.report.programme_report(MANAGER, programme_id)
    await store.close()
    return report


async def test_csv_from_the_command_line_has_the_figures_the_bot_shows(tmp_path):
    data = tmp_path / "tandem.sqlite3"
    report = await pilot_store(data)
    result = cli("report", "--programme", "reverse mentoring PILOT", "--format", "csv", "--data", str(data))
    assert result.returncode == 0, result.stderr
    rows = {r["figure"]: r["shown"] for r in csv.DictReader(io.StringIO(result.stdout)) if r["section"] == "Headline"}
    assert rows == {f.label: f.shown for f in report.headline}


async def test_html_to_a_file_and_every_programme_side_by_side(tmp_path):
    data = tmp_path / "tandem.sqlite3"
    await pilot_store(data)
    out = tmp_path / "report.html"
    result = cli("report", "--programme", "Reverse mentoring pilot", "--format", "html", "--data", str(data), "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert out.read_text().startswith("<!DOCTYPE html>") and "<svg" in out.read_text()
    side = cli("report", "--all", "--format", "csv", "--data", str(data))
    assert side.returncode == 0 and side.stdout.splitlines()[0] == "section,figure,Reverse mentoring pilot"


async def test_an_unknown_programme_or_store_is_a_clear_message_not_a_stack_trace(tmp_path):
    data = tmp_path / "tandem.sqlite3"
    await pilot_store(data)
    unknown = cli("report", "--programme", "Nope", "--data", str(data))
    assert unknown.returncode == 2 and "no programme called 'Nope'" in unknown.stderr and "Traceback" not in unknown.stderr
    missing = cli("report", "--programme", "Nope", "--data", str(tmp_path / "absent.sqlite3"))
    assert missing.returncode == 2 and "no Tandem store" in missing.stderr
