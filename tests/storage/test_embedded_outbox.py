"""The messages a change writes into its own document, on every engine: written in the same write as the
change, kept through later changes of that document, and dropped (conditionally) once relayed."""

from __future__ import annotations

from bot.domain.outbox import Outgoing
from bot.storage import kinds
from bot.storage.documents import OUTBOX_FIELD, PAIRS
from bot.storage.repositories import EmbeddedOutbox, PairRepository


async def test_a_change_and_its_messages_are_one_write_and_stay_until_relayed(store):
    pairs, outbox = PairRepository(store), EmbeddedOutbox(store)
    ref = pairs.contract_ref("p1")
    told = Outgoing("t:mentee", "contract.p1.1.proposed", "Version 1 is proposed", {"type": "AdaptiveCard"})
    result = await pairs.change_contract("p1", lambda c: (c, "changed"), lambda result: [told] if result == "changed" else [])
    assert result == "changed"
    assert await outbox.waiting(ref) == [told]
    await pairs.change_contract("p1", lambda c: (c, "again"), lambda _: [told])  # the same key again: one entry
    await pairs.change_contract("p1", lambda c: (c, "no message"))  # a later change keeps what waits
    assert await outbox.waiting(ref) == [told]
    other = Outgoing("t:mentor", "contract.p1.1.accepted.mentee", "Accepted")
    await pairs.change_contract("p1", lambda c: (c, None), lambda _: [other])
    await outbox.drop(ref, [told])
    assert await outbox.waiting(ref) == [other]
    await outbox.drop(ref, [other])
    body = (await store.read(PAIRS, "p1", "contract")).body
    assert OUTBOX_FIELD not in body and kinds.CONTRACT.load(body, "p1").pair_id == "p1"
    assert await outbox.waiting(pairs.contract_ref("gone")) == []  # a document that isn't there: nothing waits
    await outbox.drop(pairs.contract_ref("gone"), [told])  # and dropping from it is fine
