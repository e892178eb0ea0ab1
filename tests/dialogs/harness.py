"""Dialog tests drive the real bot (handler, dialogs, services, SQLite store) through the SDK's TestAdapter."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

from botbuilder.core import PrivateConversationState, TurnContext
from botbuilder.core.adapters import TestAdapter
from botbuilder.schema import Activity, ActivityTypes, ChannelAccount, ConversationAccount

from bot.clock import ManualClock
from bot.domain.people import Person
from bot.services.calendar import Calendar
from bot.services.authority import ListedAdmins
from bot.services.context import Actor, Delivery, Message, Repositories, ServiceContext
from bot.services.registry import Services
from bot.storage.bot_state import DocumentBotStorage
from bot.storage.documents import DocumentStore
from bot.storage.metered import MeteredStore
from bot.teams.handler import TandemBot
from bot.teams.roster_file import RosterFiles
from dialogs.main_dialog import MainDialog

TENANT = "tenant-1"
START = datetime(2027, 1, 11, 9, 0, tzinfo=timezone.utc)  # a Monday in GMT


@dataclass
class RecordingMessenger:
    """Stands in for Teams delivery of proactive messages: records who was sent what, and updates."""

    sent: list[tuple[str, Message]] = field(default_factory=list)
    posted: list[tuple[str, Message]] = field(default_factory=list)
    updates: list[tuple[Delivery, dict]] = field(default_factory=list)

    async def send(self, person: Person, message: Message) -> Delivery:
        self.sent.append((person.id, message))
        return Delivery(person.conversation or {"conversation": {"id": f"opened-{person.id}"}}, f"a{len(self.sent)}")

    async def post(self, conversation: dict, message: Message) -> Delivery:
        self.posted.append((conversation["conversation"]["id"], message))
        return Delivery(conversation, f"p{len(self.posted)}")

    async def update(self, delivery: Delivery, card: dict) -> None:
        self.updates.append((delivery, card))

    def to(self, person_id: str) -> list[Message]:
        return [m for pid, m in self.sent if pid == person_id]


def user(name: str) -> Actor:
    key = name.lower()
    return Actor(TENANT, f"aad-{key}", name, f"29:{key}", f"{key}@force.example")


ADMIN = user("Admin")  # the one Tandem administrator (TANDEM_ADMINS) in every test world


class Chat:
    """One person's personal chat with the bot."""

    def __init__(self, bot: TandemBot, who: Actor, conversation_type: str = "personal"):
        self.who = who
        template = Activity(
            channel_id="msteams", service_url="https://smba.example/uk/",
            from_property=ChannelAccount(id=who.teams_user_id, name=who.name, aad_object_id=who.aad_object_id),
            recipient=ChannelAccount(id="28:tandem", name="Tandem"),
            conversation=ConversationAccount(id=f"conv-{who.aad_object_id}-{conversation_type}", conversation_type=conversation_type),
            channel_data={"tenant": {"id": TENANT}},
        )
        self.adapter = TestAdapter(bot.on_turn, template)

    async def say(self, text: str, **extra: Any) -> list[Activity]:
        """Send a message; return everything the bot replied in this chat during the turn."""
        self.adapter.activity_buffer.clear()
        await self.adapter.receive_activity(Activity(type=ActivityTypes.message, text=text, **extra))
        replies = list(self.adapter.activity_buffer)
        self.adapter.activity_buffer.clear()
        return replies


def text_of(activities: list[Activity]) -> str:
    """All a reader would see: texts and the JSON of every card."""
    parts = []
    for a in activities:
        parts.append(a.text or "")
        for attachment in a.attachments or []:
            content = attachment.content
            parts.append(json.dumps(content if isinstance(content, dict) else content.serialize()))
    return "\n".join(parts)


class World:
    """A bot over a fresh store, a controllable clock and a recording messenger."""

    def __init__(self, store: DocumentStore, calendar: Calendar | None = None):
        self.store = store = MeteredStore(store)
        self.clock = ManualClock(START)
        self.messenger = RecordingMessenger()
        self.services = Services.build(ServiceContext(Repositories.over(store), self.messenger, self.clock,
                                                      admins=ListedAdmins([ADMIN.aad_object_id])), calendar=calendar)
        self.mentions: list[Actor] = []

        async def resolve(context: TurnContext) -> list[Actor]:
            return list(self.mentions)

        self.emails: dict[str, str] = {}  # Teams user id -> work email, as Teams' member lookup answers

        async def email_of(context: TurnContext) -> str:
            return self.emails.get(context.activity.from_property.id, "")

        self.member_pages: list[list[Actor]] = []  # a team's members, page by page, as Teams' paged members answer
        self.pages_read = 0

        async def member_pages(context: TurnContext, scope: str):
            for page in self.member_pages:
                self.pages_read += 1
                yield [p for p in page if p.aad_object_id], sum(1 for p in page if not p.aad_object_id)

        self.bot = TandemBot(self.services, PrivateConversationState(DocumentBotStorage(store)),
                             MainDialog(self.services, resolve, member_pages, RosterFiles(allow_loopback=True).download),
                             email_of=email_of)

    def chat(self, who: Actor, conversation_type: str = "personal") -> Chat:
        self.emails[who.teams_user_id] = who.email
        return Chat(self.bot, who, conversation_type)

    async def agree_contract(self, pair_id: str, mentor: Actor, mentee: Actor) -> None:
        from tests.domain.builders import clauses

        version = await self.services.contracts.propose(mentee, pair_id, clauses())
        await self.services.contracts.accept(mentor, pair_id, version.number)

    async def hold_session(self, pair_id: str, mentor: Actor, mentee: Actor):
        """A session proposed, accepted, and confirmed as held by both, three days on."""
        s = self.services.sessions
        session = await s.propose(mentee, pair_id, self.clock.now() + timedelta(days=2))
        await s.accept(mentor, pair_id, session.id)
        self.clock.advance(timedelta(days=3))
        await s.record_attendance(mentor, pair_id, session.id, True)
        return await s.record_attendance(mentee, pair_id, session.id, True)

    async def programme(self, manager: Actor, name: str = "Pilot", ends_on=None):
        """The administrator starts a programme, appoints `manager` and steps back: `manager` is its only manager."""
        programme = await self.services.pairs.create_programme(ADMIN, name, ends_on)
        await self.services.programmes.appoint_manager(ADMIN, programme.id, manager)
        return await self.services.programmes.remove_manager(ADMIN, programme.id, ADMIN)

    async def pair(self, manager: Actor, mentor: Actor, mentee: Actor) -> str:
        """Set up a programme and a pair the way a manager would, and give both a personal chat."""
        for person in (mentor, mentee):
            await self.services.pairs.register(person, {"conversation": {"id": f"conv-{person.aad_object_id}"}})
        programme = await self.programme(manager)
        pair = await self.services.pairs.pair_people(manager, programme.id, mentor, mentee)
        return pair.id


async def press(chat: Chat, verb: str, data: dict[str, Any]) -> tuple[int, dict[str, Any], list[Activity]]:
    """Press an Action.Execute button as the chat's person: returns (status, invoke body, messages sent)."""
    chat.adapter.activity_buffer.clear()
    await chat.adapter.receive_activity(Activity(
        type=ActivityTypes.invoke, name="adaptiveCard/action",
        value={"action": {"type": "Action.Execute", "verb": verb, "data": data}, "trigger": "manual"},
    ))
    sent = list(chat.adapter.activity_buffer)
    chat.adapter.activity_buffer.clear()
    response = next(a.value for a in sent if a.type == ActivityTypes.invoke_response)
    return response.status, response.body, [a for a in sent if a.type != ActivityTypes.invoke_response]
