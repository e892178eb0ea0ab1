"""Bot Framework state (conversation and dialog state) kept in the document store.

Dialog state holds SDK objects (dialog stacks, prompt options with activities). They are stored as
plain JSON with a small closed set of type tags, not pickled class paths, so documents stay
readable and survive an SDK upgrade or a move to another framework. Like every stored document they carry
`"schema": 2`: one with none is version 1 (what Tandem wrote before versions) and gains it on its next
write; one from a newer Tandem is refused and, for bot state only, the conversation starts afresh.
"""

from __future__ import annotations

import hashlib
import logging
from enum import Enum
from typing import Any, Dict, List
from urllib.parse import quote

from botbuilder.core import Storage
from botbuilder.dialogs import DialogInstance, DialogState
from botbuilder.dialogs.choices import Choice, ListStyle
from botbuilder.dialogs.prompts import PromptOptions
from botbuilder.schema import Activity, Attachment, CardAction

from bot.storage.documents import BOT_STATE, DocumentNotFound, DocumentStore, EtagMismatch
from bot.storage.schema import CURRENT_SCHEMA, SCHEMA, DocumentCorrupt

TYPE = "$type"
_MODELS = {"Activity": Activity, "CardAction": CardAction, "Attachment": Attachment}
MAX_ID_LENGTH = 200
STATE_SCHEMA = CURRENT_SCHEMA  # the bot state document's version; version 1 had no `schema` and reads unchanged

log = logging.getLogger(__name__)


class StateEtagConflict(EtagMismatch):
    """Bot state changed since this turn read it (another turn of the same conversation wrote first)."""


class StateUnreadable(DocumentCorrupt):
    """A stored bot state this Tandem can't read: a newer Tandem's (schema above ours), or not a version at all."""


def stored_state(body: dict[str, Any], doc_id: str) -> Any:
    """The state a bot state document holds, from any version this Tandem reads (1: no `schema`; 2)."""
    version = body.get(SCHEMA, 1)
    if not isinstance(version, int) or isinstance(version, bool) or not 1 <= version <= STATE_SCHEMA:
        raise StateUnreadable(f"The stored bot state {doc_id} has schema version {version!r}; this Tandem reads up to "
                              f"{STATE_SCHEMA}.", BOT_STATE)
    return decode(body["state"])


def encode(value: Any) -> Any:
    if value is None or isinstance(value, (str, bool, int, float)):
        return value
    if isinstance(value, dict):
        return {str(k): encode(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [encode(v) for v in value]
    if isinstance(value, DialogState):
        return {TYPE: "DialogState", "stack": [encode(i) for i in value.dialog_stack]}
    if isinstance(value, DialogInstance):
        return {TYPE: "DialogInstance", "id": value.id, "state": encode(value.state)}
    if isinstance(value, PromptOptions):
        return {
            TYPE: "PromptOptions",
            "prompt": encode(value.prompt),
            "retry_prompt": encode(value.retry_prompt),
            "choices": encode(value.choices),
            "style": value.style.value if isinstance(value.style, Enum) else value.style,
            "validations": encode(value.validations),
            "number_of_attempts": value.number_of_attempts,
        }
    if isinstance(value, Choice):
        return {TYPE: "Choice", "value": value.value, "action": encode(value.action), "synonyms": encode(value.synonyms)}
    for name, model in _MODELS.items():
        if isinstance(value, model):
            return {TYPE: name, "value": value.serialize()}
    raise TypeError(f"{type(value).__name__} cannot be kept in bot state; store plain data instead")


def decode(value: Any) -> Any:
    if isinstance(value, list):
        return [decode(v) for v in value]
    if not isinstance(value, dict):
        return value
    kind = value.get(TYPE)
    if kind is None:
        return {k: decode(v) for k, v in value.items()}
    if kind == "DialogState":
        return DialogState([decode(i) for i in value["stack"]])
    if kind == "DialogInstance":
        return DialogInstance(value["id"], decode(value["state"]))
    if kind == "PromptOptions":
        return PromptOptions(
            prompt=decode(value["prompt"]),
            retry_prompt=decode(value["retry_prompt"]),
            choices=decode(value["choices"]),
            style=ListStyle(value["style"]) if value["style"] is not None else None,
            validations=decode(value["validations"]),
            number_of_attempts=value["number_of_attempts"],
        )
    if kind == "Choice":
        return Choice(value["value"], decode(value["action"]), decode(value["synonyms"]))
    if kind in _MODELS:
        return _MODELS[kind].deserialize(value["value"])
    raise ValueError(f"unknown stored type {kind!r}")


def document_id(key: str) -> str:
    """Any key becomes a legal Cosmos id ('/', '\\', '?', '#' are not allowed), long ones hashed."""
    safe = quote(key, safe=" !$&'()*+,;=:@-._~")
    if len(safe) <= MAX_ID_LENGTH:
        return safe
    return safe[: MAX_ID_LENGTH - 65] + "~" + hashlib.sha256(key.encode()).hexdigest()


class DocumentBotStorage(Storage):
    """The SDK's Storage contract over a DocumentStore: unknown keys read as absent, a stale e_tag
    fails the write, '*' or no e_tag overwrites, deleting unknown keys is fine."""

    def __init__(self, store: DocumentStore):
        self._store = store

    async def read(self, keys: List[str]) -> Dict[str, object]:
        if keys is None:
            raise ValueError("Keys are required when reading")
        items: Dict[str, object] = {}
        for key in keys:
            doc_id = document_id(key)
            try:
                doc = await self._store.read(BOT_STATE, doc_id, doc_id)
            except DocumentNotFound:
                continue
            try:
                item = stored_state(doc.body, doc_id)
            except StateUnreadable as unreadable:
                # A state we can't read must not trap the person: their dialog starts afresh. The e_tag is
                # kept, so the fresh state replaces this one only if nothing else wrote it since.
                log.warning("%s The conversation starts afresh.", unreadable)
                item = {}
            if isinstance(item, dict):
                item["e_tag"] = doc.etag
            items[key] = item
        return items

    async def write(self, changes: Dict[str, object]):
        if changes is None:
            raise ValueError("Changes are required when writing")
        if not changes:
            return
        for key, change in changes.items():
            state = dict(change) if isinstance(change, dict) else dict(vars(change))
            e_tag = state.pop("e_tag", None)
            if e_tag == "":
                raise StateEtagConflict(f"state for {key!r} has an empty e_tag: read it before writing")
            doc_id = document_id(key)
            body = {"key": key, "state": encode(state), SCHEMA: STATE_SCHEMA}
            if e_tag in (None, "*"):
                await self._store.upsert(BOT_STATE, doc_id, doc_id, body)
                continue
            try:
                await self._store.replace(BOT_STATE, doc_id, doc_id, body, if_match=e_tag)
            except DocumentNotFound:
                await self._store.create(BOT_STATE, doc_id, doc_id, body)
            except EtagMismatch as error:
                raise StateEtagConflict(f"state for {key!r} changed since it was read") from error

    async def delete(self, keys: List[str]):
        for key in keys:
            doc_id = document_id(key)
            await self._store.delete(BOT_STATE, doc_id, doc_id)
