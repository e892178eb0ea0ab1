"""What this person can do now, by role and by where their pairing stands."""

from __future__ import annotations

from bot.domain.people import Role
from bot.domain.text import person_name, plain
from bot.services.context import Actor
from bot.services.registry import Services

MY_DATA = "- **export my data**: a copy of everything Tandem holds about you; **delete my data**: erase it (asks first)"
ALWAYS = (f"{MY_DATA}\n- **cancel**: leave whatever we're in the middle of\n- **help**: this list\n"
          "- **what is a contract?** (or any word I use): a short explanation")
MANAGER_HELP = (
    "As a programme manager you can say:\n\n"
    "- **invite @person as mentor** (or mentee, reserve): they get a card to join, and join only if they agree\n"
    "- **invite this team as mentees** (or this channel; mentors, reserves), in one of its channels: each member gets a card\n"
    "- **roster**: who has joined and who is still to open Tandem\n"
    "- send me a roster CSV file here: I check it and import it, all or nothing\n"
    "- **match** (or **match stable** for launch-day choices): proposed pairs with the reasons, to change or publish\n"
    "- **open rankings**: after a launch day, everyone chooses on a card whom they'd like to be paired with\n"
    "- **pair @mentor @mentee**: pair two people yourself; I tell them both\n"
    "- **status**: how every pair is doing (on track, at risk or drifting), never what anyone said\n"
    "- **report**: the programme's figures and charts, with small numbers hidden; sent as a file if you like\n"
    "- **debrief**: the end of programme debrief (it also comes to you on the last day): how pairs did, and your "
    "decision to scale up, repeat or stop\n"
    "- **survey questions**, **survey question add** and your question, **survey question drop 4**: the surveys' questions\n"
    "- **link team** (in a channel of a team), then **alerts here**: alert cards come to that channel too, without names\n"
    "- **add manager @person**, **remove manager @person**: share the running of the programme\n"
    "- **safeguarding lead @person**: the one person who receives concerns\n"
    "- **under 18 @person**, **guardian consent @person**: nobody under 18 is paired without it\n"
    "- **programmes**: the programmes you run\n\n"
    "Add **in NAME** to a command if you run more than one programme.")


async def next_step(services: Services, actor: Actor) -> str:
    """This person's next step, in one line, for the welcome card."""
    views = await services.pairs.views(actor)
    for view in views:
        contract = await services.ctx.repos.pairs.contract(view.pair.id)
        if contract.in_force is None and contract.pending is None:
            if view.role is Role.MENTEE:
                return f"Draft your mentoring contract with {person_name(view.partner_name)}: say **contract**."
            return f"{person_name(view.partner_name)}, your mentee, drafts your contract first. I'll tell you when it's ready."
        if contract.in_force is None:
            return f"Your contract with {person_name(view.partner_name)} is waiting for an answer: say **contract**."
    if views:
        return "Book your next session: say **schedule**."
    if await services.pairs.managed_by(actor):
        return "Pair people in your programme: say **pair @mentor @mentee**. Say **help manager** for more."
    return "Your programme manager will pair you with someone. I'll tell you who."


async def help_text(services: Services, actor: Actor) -> str:
    lines: list[str] = []
    views = await services.pairs.views(actor)
    managed = await services.pairs.managed_by(actor)
    for view in views:
        contract = await services.ctx.repos.pairs.contract(view.pair.id)
        who = f"With {person_name(view.partner_name)} (your {view.role.other.value})"
        if contract.in_force is None and contract.pending is None:
            step = "draft your contract: say **contract**" if view.role is Role.MENTEE else "your mentee drafts the contract; say **contract** to see where it is"
        elif contract.in_force is None:
            step = "a contract proposal is waiting: say **contract** to review it"
        else:
            step = "say **schedule** to propose a session, **sessions** to see them, **reflect** after a session, **contract** to view or amend it"
        lines.append(f"- {who}: {step}")
    if views:
        lines.append("- **my reflections**: your private reflections (and any your partner shared)")
        lines.append("- **pause reminders for 2 weeks** (or any number of days), **resume reminders**")
        lines.append("- **my shifts**: tell me your shift rota, so suggested times and reminders keep clear of it")
        lines.append("- **ask for help** (and a few words): your programme manager gets in touch; **no-fault close**: ask to end the pairing")
        lines.append("- **raise a concern** (and a few words): a safeguarding concern, sent to the programme's safeguarding lead only")
    if managed:
        names = ", ".join(plain(p.name) for p in managed)
        lines.append(f"- You run {names}: **pair @mentor @mentee** to pair people, **status** to see how pairs are doing. "
                     "Say **help manager** for all manager commands")
    admin = await services.ctx.is_admin(actor)
    if admin:
        lines.append("- As a Tandem administrator: **new programme NAME** (optionally **ends DD/MM/YYYY**) to start one, "
                     "**add manager @person in PROGRAMME** to appoint its managers")
    if any(p.status.value == "joined" for _, p in await services.enrolment.taking_part(actor)):
        lines.append("- **my profile**: what you told your programme about yourself, to change at any time")
    if not views and not managed and not admin:
        lines.append("- You're not in a mentoring pair yet: your programme manager will pair you and I'll tell you who with.")
    return "Here's what you can do:\n\n" + "\n".join(lines + [ALWAYS])
