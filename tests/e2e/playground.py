"""A client for the Agents Playground's page API: what its web page does, done from a test.

Messages go in through the page's REST calls. What the bot sends arrives on the page's log
WebSocket (its activity log panel), which, unlike the chat view, shows every chat, including
the personal chats of people other than the signed-in user; this client records it.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from typing import Any, Callable

import aiohttp

TIMEOUT = 20


@dataclass
class BotMessage:
    conversation_id: str
    message_id: str
    text: str
    attachments: list[dict[str, Any]]
    raw: dict[str, Any]

    @property
    def cards(self) -> list[dict[str, Any]]:
        return [a["content"] for a in self.attachments if a.get("contentType") == "application/vnd.microsoft.card.adaptive"]

    @property
    def all_text(self) -> str:
        """Everything a reader sees: the text and every string inside the attachments."""
        return self.text + " " + json.dumps(self.attachments, ensure_ascii=False)

    @property
    def buttons(self) -> list[dict[str, Any]]:
        """Every button on the message's cards: those in the body's action sets, then the card's own."""
        found = []
        for card in self.cards:
            found += [a for block in card.get("body", []) if block.get("type") == "ActionSet" for a in block.get("actions", [])]
            found += card.get("actions", [])
        return found

    def action(self, verb: str) -> dict[str, Any]:
        for action in self.buttons:
            if action.get("verb") == verb:
                return action
        raise AssertionError(f"no {verb} button on message {self.message_id}: {self.all_text[:500]}")


class Playground:
    def __init__(self, base_url: str, http: aiohttp.ClientSession):
        self.base_url = base_url
        self.http = http
        self.events: list[dict[str, Any]] = []
        self.messages: list[BotMessage] = []
        self._changed = asyncio.Condition()
        self._reader: asyncio.Task | None = None
        self.config: dict[str, Any] = {}

    async def connect(self) -> None:
        async with self.http.get(f"{self.base_url}/_internal/v1/config") as response:
            self.config = (await response.json())["config"]
        socket = await self.http.ws_connect(f"{self.base_url}/_ws/log/stream")
        self._reader = asyncio.create_task(self._read(socket))

    async def close(self) -> None:
        if self._reader:
            self._reader.cancel()

    async def _read(self, socket: aiohttp.ClientWebSocketResponse) -> None:
        async for frame in socket:
            event = json.loads(frame.data)
            log = event.get("log") or {}
            body = (log.get("request") or {}).get("body") or {}
            reply = (log.get("response") or {}).get("body")
            async with self._changed:
                self.events.append(event)
                if log.get("from") == "User Application" and body.get("type") == "message" and isinstance(reply, dict):
                    conversation = log.get("conversationId") or body["conversation"]["id"]
                    self.messages.append(BotMessage(conversation, reply["id"], body.get("text") or "",
                                                    body.get("attachments") or [], body))
                self._changed.notify_all()

    # Who is who -------------------------------------------------------------------------------
    @property
    def bot_id(self) -> str:
        return self.config["bot"]["id"]

    @property
    def me(self) -> dict[str, Any]:
        return self.config["currentUser"]

    def user(self, name: str) -> dict[str, Any]:
        return next(u for u in [self.config["currentUser"], *self.config["users"]] if u["name"] == name)

    @property
    def personal_chat(self) -> str:
        return self.config["personalChat"]["id"]

    @property
    def group_chat(self) -> str:
        return self.config["groupChats"][0]["id"]

    # What the page does -----------------------------------------------------------------------
    async def install(self, conversation_id: str) -> None:
        async with self.http.post(f"{self.base_url}/_debug/conversation/{conversation_id}/installation", json={}) as r:
            assert r.status == 200, await r.text()

    async def say(self, conversation_id: str, user_id: str, text: str, mentions: list[dict[str, Any]] | None = None) -> None:
        """Type a message as `user_id`: the signed-in user through the chat box, anyone else through the
        page's custom-activity sender (how the Playground lets you act as a second user)."""
        if user_id != self.me["id"]:
            return await self._say_as_other_user(conversation_id, user_id, text)
        body: dict[str, Any] = {"from": {"id": user_id}, "text": text, "textFormat": "plain"}
        if mentions:
            body["mentions"] = mentions
        async with self.http.post(f"{self.base_url}/_conversation/v1/conversations/{conversation_id}/messages", json=body) as r:
            assert r.status == 200, await r.text()

    async def _say_as_other_user(self, conversation_id: str, user_id: str, text: str) -> None:
        url = f"{self.base_url}/_internal/v1/customActivities/template"
        async with self.http.get(url, params={"conversationId": conversation_id}) as r:
            assert r.status == 200, await r.text()
            activity = await r.json()
        user = next(u for u in self.config["users"] if u["id"] == user_id)
        activity.update({
            "type": "message", "text": text, "textFormat": "plain",
            "from": {"id": user["id"], "name": user["name"], "aadObjectId": user["aadObjectId"]},
            "channelData": {"tenant": {"id": self.config["tenantId"]}},
        })
        async with self.http.post(f"{self.base_url}/_internal/v1/customActivities", json=activity) as r:
            assert r.status == 200, await r.text()

    async def send_file(self, conversation_id: str, user_id: str, name: str, download_url: str, file_type: str = "csv") -> None:
        """Send a file as Teams hands one to a bot in a personal chat (a file download info attachment), through
        the page's custom-activity sender: the Playground's chat box has no file upload of its own."""
        url = f"{self.base_url}/_internal/v1/customActivities/template"
        async with self.http.get(url, params={"conversationId": conversation_id}) as r:
            assert r.status == 200, await r.text()
            activity = await r.json()
        user = next(u for u in [self.me, *self.config["users"]] if u["id"] == user_id)
        activity.update({
            "type": "message", "text": "", "textFormat": "plain",
            "from": {"id": user["id"], "name": user["name"], "aadObjectId": user["aadObjectId"]},
            "channelData": {"tenant": {"id": self.config["tenantId"]}},
            "attachments": [{"contentType": "application/vnd.microsoft.teams.file.download.info", "name": name,
                             "contentUrl": download_url,
                             "content": {"downloadUrl": download_url, "uniqueId": name, "fileType": file_type}}],
        })
        async with self.http.post(f"{self.base_url}/_internal/v1/customActivities", json=activity) as r:
            assert r.status == 200, await r.text()

    async def execute(self, message: BotMessage, user_id: str, verb: str) -> dict[str, Any]:
        """Press an Action.Execute button as `user_id`; returns the bot's invoke response."""
        return await self._invoke(message, user_id, message.action(verb), {})

    async def press(self, message: BotMessage, user_id: str, title: str, **inputs: str) -> dict[str, Any]:
        """Press the Action.Execute button titled `title`, with the card's inputs set as given (the
        client merges input values into the action's data); returns the bot's invoke response."""
        action = next((a for a in message.buttons if a.get("title") == title), None)
        assert action is not None, f"no {title!r} button on message {message.message_id}: {message.all_text[:500]}"
        return await self._invoke(message, user_id, action, inputs)

    async def _invoke(self, message: BotMessage, user_id: str, action: dict[str, Any], inputs: dict[str, str]) -> dict[str, Any]:
        """The adaptiveCard/action invoke the page sends for a press on `message`'s card."""
        body = {
            "name": "adaptiveCard/action",
            "value": {"action": {"type": "Action.Execute", "verb": action["verb"], "data": {**action.get("data", {}), **inputs}},
                      "trigger": "manual"},
            "from": {"id": user_id},
            "conversation": {"id": message.conversation_id},
            "replyToId": message.message_id,
        }
        async with self.http.post(f"{self.base_url}/_conversation/v1/invoke", json=body) as r:
            assert r.status == 200, await r.text()
            return await r.json()

    # Waiting for the bot ----------------------------------------------------------------------
    def in_conversation(self, conversation_id: str) -> list[BotMessage]:
        return [m for m in self.messages if m.conversation_id == conversation_id]

    async def wait_for(self, predicate: Callable[[BotMessage], bool], after: int = 0, timeout: float = TIMEOUT) -> BotMessage:
        """The first bot message (from index `after` on) that satisfies `predicate`."""
        async def found() -> BotMessage:
            async with self._changed:
                while True:
                    for message in self.messages[after:]:
                        if predicate(message):
                            return message
                    await self._changed.wait()

        try:
            return await asyncio.wait_for(found(), timeout)
        except asyncio.TimeoutError as error:
            seen = "\n".join(f"[{m.conversation_id[:8]}] {m.all_text[:200]}" for m in self.messages[after:])
            raise AssertionError(f"the bot never sent the expected message; it sent:\n{seen}") from error

    async def reply_to(self, conversation_id: str, user_id: str, text: str, expect: str, **kwargs) -> BotMessage:
        """Say something and wait for the bot's answer containing `expect` in that conversation."""
        mark = len(self.messages)
        await self.say(conversation_id, user_id, text, **kwargs)
        return await self.wait_for(lambda m: m.conversation_id == conversation_id and expect in m.all_text, after=mark)
