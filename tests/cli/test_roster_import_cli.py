"""`python -m bot.cli roster import FILE --programme NAME` puts a roster into the store the bot uses, all or
nothing; the people are then invited, and join when they open Tandem."""

from __future__ import annotations

from pathlib import Path

from bot.storage.sqlite_store import SqliteDocumentStore
from tests.cli.test_report_cli import cli
from tests.dialogs.harness import World, user

ROOT = Path(__file__).resolve().parents[2]
S1 = ROOT / "tests" / "fixtures" / "s1_formal_diversity.csv"


async def store_with_programme(path: Path) -> None:
    store = await SqliteDocumentStore.open(path)
    await World(store).programme(user("Manager"), "Force mentoring programme")
    await store.close()


async def participants(path: Path) -> list:
    store = await SqliteDocumentStore.open(path)
    world = World(store)
    (entry,) = await world.services.ctx.repos.programmes.directory()
    found = await world.services.ctx.repos.participants.in_programme(entry["id"])
    await store.close()
    return found


async def test_a_good_roster_is_imported_and_a_bad_one_changes_nothing(tmp_path):
    data = tmp_path / "tandem.sqlite3"
    await store_with_programme(data)
    result = cli("roster", "import", str(S1), "--programme", "force mentoring programme", "--data", str(data))
    assert result.returncode == 0, result.stderr
    assert "17 added, 0 updated" in result.stdout and "8 mentees" in result.stdout, result.stdout
    imported = await participants(data)
    assert len(imported) == 17 and {p.status.value for p in imported} == {"invited"}

    bad = tmp_path / "bad.csv"
    bad.write_text(S1.read_text() + "someone@force.example,Someone,captain\n")
    refused = cli("roster", "import", str(bad), "--programme", "Force mentoring programme", "--data", str(data))
    assert refused.returncode == 1 and "line 19" in refused.stderr and "Traceback" not in refused.stderr
    assert len(await participants(data)) == 17


async def test_an_unknown_programme_or_store_is_said_plainly(tmp_path):
    data = tmp_path / "tandem.sqlite3"
    await store_with_programme(data)
    unknown = cli("roster", "import", str(S1), "--programme", "Nope", "--data", str(data))
    assert unknown.returncode == 1 and "no programme called 'Nope'" in unknown.stderr
    missing = cli("roster", "import", str(S1), "--programme", "Nope", "--data", str(tmp_path / "absent.sqlite3"))
    assert missing.returncode == 2 and "no Tandem store" in missing.stderr
