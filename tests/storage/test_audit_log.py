"""The audit trail on every engine: append-only, one partition per subject, never content, with its own TTL."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from bot.clock import ManualClock
from bot.domain.audit import AuditAction, AuditEntry
from bot.services.context import Repositories, ServiceContext
from bot.storage.documents import AUDIT, DocumentExists

START = datetime(2027, 1, 11, 9, 0, tzinfo=timezone.utc)


class NoMessenger:
    async def send(self, person, message):
        raise AssertionError("auditing sends nothing")

    post = update = send


async def test_entries_about_a_subject_come_back_in_order_and_others_are_separate(store):
    clock = ManualClock(START)
    ctx = ServiceContext(Repositories.over(store, audit_retention_days=30), NoMessenger(), clock)
    await ctx.audit("t:manager", AuditAction.STATUS_VIEWED, "programme-1", "programme-1")
    clock.advance(timedelta(minutes=1))
    await ctx.audit("t:manager", AuditAction.PAIR_CLOSED, "programme-1", "programme-1", "no-fault")
    await ctx.audit("t:alex", AuditAction.DATA_EXPORTED, "t:alex")

    trail = await ctx.repos.audit.about("programme-1")
    assert [(e.action, e.detail) for e in trail] == [(AuditAction.STATUS_VIEWED, ""), (AuditAction.PAIR_CLOSED, "no-fault")]
    assert [e.action for e in await ctx.repos.audit.about("t:alex")] == [AuditAction.DATA_EXPORTED]


async def test_an_entry_is_never_overwritten_and_carries_the_retention_ttl(store):
    ctx = ServiceContext(Repositories.over(store, audit_retention_days=30), NoMessenger(), ManualClock(START))
    entry = await ctx.audit("t:manager", AuditAction.ALERT_ACTED, "programme-1", "programme-1", "resolve")
    with pytest.raises(DocumentExists):
        await ctx.repos.audit.append(entry)
    stored = await store.read(AUDIT, "programme-1", entry.id)
    assert stored.body["ttl"] == 30 * 24 * 3600


async def test_an_entry_named_for_its_step_is_written_once_however_often_the_step_is_audited(store):
    clock = ManualClock(START)
    ctx = ServiceContext(Repositories.over(store, audit_retention_days=30), NoMessenger(), clock)
    first = await ctx.audit("t:alex", AuditAction.JOINED_PROGRAMME, "t:alex", "programme-1", once="joined.programme-1", at=START)
    clock.advance(timedelta(minutes=3))  # pressed again later: the same join, so the same entry
    again = await ctx.audit("t:alex", AuditAction.JOINED_PROGRAMME, "t:alex", "programme-1", once="joined.programme-1", at=START)
    assert again.id == first.id
    assert [(e.id, e.at) for e in await ctx.repos.audit.about("t:alex")] == [(first.id, START)]


def test_an_entry_refuses_content_in_its_detail():
    with pytest.raises(ValueError):
        AuditEntry("x", START, "t:a", AuditAction.CONCERN_RAISED, "t:a", detail="I am worried because " * 10)
