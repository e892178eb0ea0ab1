"""Steps several end-to-end scenarios share: inviting people by @mention in a group chat, and their joining."""

from __future__ import annotations

from tests.e2e.playground import BotMessage, Playground
from tests.e2e.test_pair_journey import mention

CARD = "application/vnd.microsoft.card.adaptive"


async def invite_by_mention(pg: Playground, inviter: dict, people: dict[str, dict], names: list[str],
                            role: str) -> dict[str, BotMessage]:
    """The inviter @mentions them in the group chat; each one's join card arrives in their own personal chat,
    in mention order. Returns each one's card."""
    bot_account = {"id": pg.bot_id, "name": pg.config["bot"]["name"]}
    at = " ".join(f"<at>{n}</at>" for n in names)
    mark = len(pg.messages)
    await pg.say(pg.group_chat, inviter["id"], f"<at>{bot_account['name']}</at> invite {at} as {role}s",
                 mentions=[mention(bot_account), *(mention(people[n]) for n in names)])
    await pg.wait_for(lambda m: m.conversation_id == pg.group_chat and "Invited" in m.text, after=mark)
    cards = [m for m in pg.messages[mark:] if "I agree: join" in m.all_text]
    assert len(cards) == len(names) and len({c.conversation_id for c in cards}) == len(names)
    assert all(f"as a {role}" in c.all_text and c.conversation_id != pg.group_chat for c in cards)
    return dict(zip(names, cards))


async def join_all(pg: Playground, people: dict[str, dict], invitations: dict[str, BotMessage]) -> dict[str, str]:
    """Each presses "I agree: join" on their own card (nobody is enrolled without it). Returns each one's chat."""
    chats = {}
    for name, card in invitations.items():
        chats[name] = card.conversation_id
        joined = await pg.press(card, people[name]["id"], "I agree: join")
        assert joined["type"] == CARD and "You joined as a" in str(joined["value"])
    return chats
