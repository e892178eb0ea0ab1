"""With Graph configured, a nudge waits for the recipient's Outlook working hours (mailbox settings on
the loopback Graph); when Graph refuses, the quiet hours alone decide and the nudge still goes."""

from __future__ import annotations

from tests.dialogs.harness import user
from tests.graph.conftest import SERVICE
from tests.services.test_nudges import sweep_at

MANAGER, MENTOR, MENTEE = user("Manager"), user("Megan"), user("Adele")
NOON_TO_FIVE = {"timeZone": "GMT Standard Time", "workingHours": {
    "daysOfWeek": ["monday", "tuesday", "wednesday", "thursday", "friday"],
    "startTime": "12:00:00.0000000", "endTime": "17:00:00.0000000", "timeZone": {"name": "GMT Standard Time"}}}


async def test_a_nudge_waits_for_the_recipients_outlook_working_hours(world, fake):
    await world.pair(MANAGER, MENTOR, MENTEE)
    fake.settings["aad-adele"] = NOON_TO_FIVE

    assert not await sweep_at(world, "2027-01-18T08:05")
    assert fake.graph_calls("GET", "/mailboxSettings")[-1].path == "/users/aad-adele/mailboxSettings"
    noon = await sweep_at(world, "2027-01-18T12:05")
    assert [pid for pid, m in noon if "contract isn't agreed yet" in m.text] == [MENTEE.id]


async def test_when_graph_refuses_the_mailbox_the_nudge_goes_in_the_usual_hours(world, fake):
    await world.pair(MANAGER, MENTOR, MENTEE)
    fake.settings["aad-adele"] = NOON_TO_FIVE
    fake.forbidden.add("aad-adele")

    monday = await sweep_at(world, "2027-01-18T08:05")
    assert [pid for pid, m in monday if "contract isn't agreed yet" in m.text] == [MENTEE.id]
    assert SERVICE not in {r.mailbox for r in fake.graph_calls("GET", "/mailboxSettings")}
