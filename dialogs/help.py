"""What this person can do now, by role and by where their pairing stands."""

from __future__ import annotations

from bot.domain.people import Role
from bot.domain.text import person_name, plain
from bot.services.context import Actor
from bot.services.registry import Services

MY_DATA = "- **export my data**: a copy of everything Tandem holds about you; **delete my data**: erase it (asks first)"
ALWAYS = f"{MY_DATA}\n- **cancel**: leave whatever we're in the middle of\n- **help**: this list"


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
        lines.append("- **ask for help** (and a few words): your programme manager gets in touch; **no-fault close**: ask to end the pairing")
        lines.append("- **raise a concern** (and a few words): a safeguarding concern, sent to the programme's safeguarding lead only")
    if managed:
        names = ", ".join(plain(p.name) for p in managed)
        lines.append(f"- As manager of {names}: **pair @mentor @mentee** to pair people, **status** to see how every pair is doing, "
                     "**link team** then **alerts here** (in a channel of the team) to get alert cards there too, "
                     "**programmes** to see your programmes, **add manager @person** / **remove manager @person**, "
                     "**safeguarding lead @person**, **under 18 @person** and **guardian consent @person**")
    admin = await services.ctx.is_admin(actor)
    if admin:
        lines.append("- As a Tandem administrator: **new programme NAME** (optionally **ends DD/MM/YYYY**) to start one, "
                     "**add manager @person in PROGRAMME** to appoint its managers")
    if not views and not managed and not admin:
        lines.append("- You're not in a mentoring pair yet: your programme manager will pair you and I'll tell you who with.")
    return "Here's what you can do:\n\n" + "\n".join(lines + [ALWAYS])
