"""The programme report through the services: summaries kept by the drift check, one query to report, managers only."""

from __future__ import annotations

import csv
import io

import pytest

from bot.domain.errors import NotAllowed, NotFound
from bot.domain.report import SUPPRESSED
from bot.storage.documents import PROGRAMMES
from bot.storage.metered import counting
from tests.services.pilot import MANAGER, OUTSIDER, PAIRS, run_pilot


async def test_the_pilot_report_matches_what_happened(world):
    programme_id, pair_ids = await run_pilot(world)
    report = await world.services.report.programme_report(MANAGER, programme_id)
    shown = {f.key: f.shown for f in report.all_figures()}
    assert shown["pairs_matched"] == "3" and shown["contracts_agreed"] == "3"
    assert shown["median_days_to_agree"] == "1 day"  # agreed on days 0, 1 and 2
    assert shown["sessions_held"] == "3" and shown["sessions_not_held"] == "1" and shown["sessions_cancelled"] == "1"
    # One help alert from one pair: too few to show.
    assert shown["alerts_raised"] == SUPPRESSED and shown["median_hours_to_resolve"] == SUPPRESSED
    summaries = await world.services.ctx.repos.summaries.in_programme(programme_id)
    assert sorted(s.pair_id for s in summaries) == sorted(pair_ids)
    first = next(s for s in summaries if s.pair_id == pair_ids[0])
    assert (first.alerts_raised, first.alerts_resolved, first.resolution_hours) == (1, 1, (5.0,))


async def test_the_report_is_one_single_partition_query(world):
    programme_id, _ = await run_pilot(world)
    with counting() as trips:
        await world.services.report.programme_report(MANAGER, programme_id)
    # the programme and its survey document (point reads) and the summaries (one query)
    assert trips.queries == 1 and trips.by_container == {PROGRAMMES: 3}


async def test_only_the_programmes_managers_can_see_its_report(world):
    programme_id, _ = await run_pilot(world)
    mentor, mentee = PAIRS[0]
    for intruder in (mentor, mentee, OUTSIDER):
        with pytest.raises(NotAllowed):
            await world.services.report.programme_report(intruder, programme_id)
        with pytest.raises(NotAllowed):
            await world.services.report.export(intruder, programme_id, "csv")


async def test_the_cross_programme_view_waits_for_the_admin_check(world):
    await run_pilot(world)
    with pytest.raises(NotAllowed):
        await world.services.report.all_programmes(MANAGER)
    assert [r.programme_name for r in await world.services.report.operator_all()] == ["Reverse mentoring pilot"]


async def test_the_csv_export_carries_the_same_figures_and_no_names(world):
    programme_id, _ = await run_pilot(world)
    report = await world.services.report.programme_report(MANAGER, programme_id)
    export = await world.services.report.export(MANAGER, programme_id, "csv")
    assert export.filename.endswith(".csv") and export.content_type == "text/csv"
    rows = list(csv.DictReader(io.StringIO(export.text)))
    by_label = {r["figure"]: r["shown"] for r in rows if r["section"] == "Headline"}
    assert by_label == {f.label: f.shown for f in report.headline}
    for mentor, mentee in PAIRS:
        assert mentor.name not in export.text and mentee.name not in export.text


async def test_the_html_export_is_self_contained_with_a_table_beside_each_chart(world):
    programme_id, _ = await run_pilot(world)
    html = (await world.services.report.export(MANAGER, programme_id, "html")).text
    assert html.count("<svg") >= 2 and "<script" not in html and "http://" not in html.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "https://" not in html and "@import" not in html and "<link" not in html
    assert html.count("<figure>") <= html.count("<table>")
    assert "We talked it through" not in html  # a resolution note is content, never in the report


async def test_rebuild_writes_summaries_for_pairs_from_before_summaries_existed(world):
    programme_id, pair_ids = await run_pilot(world)
    for pair_id in pair_ids:
        await world.store.delete(PROGRAMMES, programme_id, f"summary.{pair_id}")
    assert (await world.services.report.programme_report(MANAGER, programme_id)).figure("pairs_matched").shown == "0"
    assert await world.services.report.rebuild(programme_id) == 3
    assert (await world.services.report.programme_report(MANAGER, programme_id)).figure("pairs_matched").shown == "3"


async def test_a_programme_from_before_the_directory_is_still_found_by_its_id(world):
    programme_id, _ = await run_pilot(world)
    await world.store.delete(PROGRAMMES, "directory", programme_id)
    assert (await world.services.report.find_programme(programme_id)).id == programme_id
    with pytest.raises(NotFound):
        await world.services.report.find_programme("Reverse mentoring pilot")
