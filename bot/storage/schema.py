"""Stored documents' typed models: each kind's schema version, how it is read (with upgrades from older
versions) and written, through pydantic over the domain's plain dataclasses.

The domain stays plain Python: this module gives each domain dataclass a pydantic config (camelCase
field names, the names the hand-written to_doc used) from the outside, so a document written before
versions existed reads as version 1 and upgrading it is only "add the version".
"""

from __future__ import annotations

import dataclasses
import logging
import typing
from typing import Any, Callable, Generic, TypeVar

from pydantic import ConfigDict, TypeAdapter, ValidationError
from pydantic.alias_generators import to_camel

from bot.storage.documents import StorageError

T = TypeVar("T")
SCHEMA = "schema"  # the envelope field holding a document's schema version; absent means version 1
TYPE = "type"  # the envelope field naming a document's kind, for single-partition queries
ENVELOPE = (SCHEMA, TYPE)
CURRENT_SCHEMA = 2  # every kind's version today; a kind whose fields change moves on alone
Upgrade = Callable[[dict[str, Any]], dict[str, Any]]

log = logging.getLogger(__name__)

_CONFIG = ConfigDict(alias_generator=to_camel, validate_by_name=True, validate_by_alias=True, serialize_by_alias=True)


class DocumentCorrupt(StorageError):
    """A stored document does not fit its kind's model (or was written by a newer Tandem). The message names
    the kind, the document and the fields at fault, never their content; `kind` is the kind's name."""

    def __init__(self, message: str, kind: str = ""):
        super().__init__(message)
        self.kind = kind


class DialogStateCorrupt(DocumentCorrupt):
    """Half a conversation kept in dialog state (a draft, half an answer) does not fit its model: the
    person's dialog is what is broken, so it is started afresh (a stored record that is broken keeps it)."""


def _configure(cls: Any, seen: set[type]) -> None:
    """Give a domain dataclass, and every dataclass its fields hold, the stored field names."""
    if not dataclasses.is_dataclass(cls) or cls in seen:
        return
    seen.add(cls)
    cls.__pydantic_config__ = _CONFIG
    for hint in typing.get_type_hints(cls).values():
        _configure_hint(hint, seen)


def _configure_hint(hint: Any, seen: set[type]) -> None:
    _configure(hint, seen)
    for arg in typing.get_args(hint):
        _configure_hint(arg, seen)


class Kind(Generic[T]):
    """One kind of stored document: its `type`, its model, its current version and the upgrades that bring
    an older body up to it (`upgrades[n]` turns version n into n + 1)."""

    def __init__(self, name: str, model: type[T], version: int = CURRENT_SCHEMA, upgrades: dict[int, Upgrade] | None = None,
                 read_hook: Upgrade | None = None, write_hook: Upgrade | None = None):
        _configure(model, set())
        self.name, self.model, self.version = name, model, version
        self._upgrades = {1: _same, **(upgrades or {})}
        self._read_hook, self._write_hook = read_hook or _same, write_hook or _same
        self._adapter = TypeAdapter(model)
        self._fields = {to_camel(f.name) for f in dataclasses.fields(model)}  # type: ignore[arg-type]

    def load(self, body: dict[str, Any], where: str = "") -> T:
        """The stored body as the domain record, upgraded from whatever version wrote it."""
        upgraded = self.upgrade(body, where)
        try:
            return self._adapter.validate_python(self._read_hook(upgraded))
        except ValidationError as error:
            problems = _problems(error)
            log.warning("Stored %s %s does not fit its model (%s)", self.name, where, problems)
            raise DocumentCorrupt(f"The stored {self.name} {where} is malformed ({problems}).", self.name) from None

    def upgrade(self, body: dict[str, Any], where: str = "") -> dict[str, Any]:
        if not isinstance(body, dict):
            raise DocumentCorrupt(f"The stored {self.name} {where} is not a document.", self.name)
        version = body.get(SCHEMA, 1)
        if not isinstance(version, int) or version < 1 or version > self.version:
            log.warning("Stored %s %s has schema version %r; this Tandem reads up to %d", self.name, where, version, self.version)
            raise DocumentCorrupt(f"The stored {self.name} {where} has an unknown schema version.", self.name)
        while version < self.version:
            body, version = self._upgrades[version](body), version + 1
        return body

    def dump(self, value: T) -> dict[str, Any]:
        """The document to store: the record's fields, its kind and the current schema version."""
        return {**self._write_hook(self._adapter.dump_python(value, mode="json")), TYPE: self.name, SCHEMA: self.version}

    def rewrite(self, old: dict[str, Any] | None, value: T) -> dict[str, Any]:
        """`dump`, keeping any envelope field of the old body this kind does not own (an outbox); not the ttl,
        which the retention layer stamps afresh on every write."""
        kept = {k: v for k, v in (old or {}).items() if k not in self._fields and k not in ENVELOPE and k != "ttl"}
        return {**kept, **self.dump(value)}

    def plain(self, value: T) -> dict[str, Any]:
        """The record's fields alone, as JSON (for an export or a nested value), without the envelope."""
        return self._write_hook(self._adapter.dump_python(value, mode="json"))


def _same(body: dict[str, Any]) -> dict[str, Any]:
    return body


def _problems(error: ValidationError) -> str:
    return "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['type']}" for e in error.errors(include_input=False))


class Nested(Generic[T]):
    """A record kept inside another document (where a card was sent, an Outlook event) or in dialog state:
    the same camelCase fields as a stored kind, without the envelope. `corrupt`: the error a malformed one
    raises (DialogStateCorrupt for what dialog state holds)."""

    def __init__(self, name: str, model: type[T], corrupt: type[DocumentCorrupt] = DocumentCorrupt):
        _configure(model, set())
        self.name, self._adapter, self._corrupt = name, TypeAdapter(model), corrupt

    def plain(self, value: T) -> dict[str, Any]:
        return self._adapter.dump_python(value, mode="json")

    def load(self, data: Any) -> T:
        try:
            return self._adapter.validate_python(data)
        except ValidationError as error:
            problems = _problems(error)
            log.warning("A stored %s does not fit its model (%s)", self.name, problems)
            raise self._corrupt(f"A stored {self.name} is malformed ({problems}).", self.name) from None
