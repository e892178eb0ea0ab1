"""Typed domain errors. Each carries a message written for the person who caused it."""


class DomainError(Exception):
    """A rule said no. `message` is safe and kind enough to show to the user."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class InvalidInput(DomainError):
    """What the user gave cannot be used (unreadable, out of range, in the past...)."""


class NotAllowed(DomainError):
    """The actor may not take this action."""


class NotFound(DomainError):
    """The thing named does not exist (or the actor may not know that it does)."""


class InvalidState(DomainError):
    """The action does not fit where things stand now (already accepted, replaced, ...)."""


class AlreadyDone(InvalidState):
    """The action was already taken; repeating it changes nothing."""


class Unfinished(DomainError):
    """The change is recorded, but what follows it (telling the partner, a re-check) could not be done
    now; repeating the same step finishes it, and no one is told twice."""
