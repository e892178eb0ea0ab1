"""The Calendar port over Microsoft Graph: Teams meetings in the organiser's mailbox, free/busy, settings.

Application permissions: Calendars.ReadWrite (events, getSchedule), MailboxSettings.Read, User.Read.All
(manager, and addresses of people Tandem knows only by object id).
"""

from __future__ import annotations

import logging
from datetime import datetime, time, timedelta, timezone
from typing import Any, Sequence
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from tzlocal.windows_tz import win_tz

from bot.graph.client import GraphClient, NotFoundInGraph
from bot.services.calendar import (
    Busy, CalendarError, CalendarNotPermitted, EventRef, EventState, Invitee, MailboxSettings, ManagerLookup,
    Meeting, Response, WorkingHours,
)

log = logging.getLogger(__name__)

UTC_PREFERENCE = {"Prefer": 'outlook.timezone="UTC"'}
DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MAX_SCHEDULE_SPAN = timedelta(days=62)  # getSchedule's limit
FALLBACK_ZONE = "Europe/London"


def iana_zone(name: str) -> str:
    """An IANA zone for what Outlook stores (usually a Windows name such as 'GMT Standard Time')."""
    cleaned = (name or "").strip()
    if cleaned in win_tz:
        return win_tz[cleaned]
    if cleaned in ("UTC", "Etc/UTC", "tzone://Microsoft/Utc"):
        return "UTC"
    try:
        ZoneInfo(cleaned)
        return cleaned
    except (ZoneInfoNotFoundError, ValueError):
        log.warning("Unknown mailbox time zone %r; using %s", cleaned, FALLBACK_ZONE)
        return FALLBACK_ZONE


def graph_time(instant: datetime) -> dict[str, str]:
    """Graph's dateTimeTimeZone, always in UTC (no wall-clock ambiguity at the clock changes)."""
    if instant.tzinfo is None:
        raise ValueError("calendar times must be timezone-aware")
    return {"dateTime": instant.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S"), "timeZone": "UTC"}


def read_graph_time(value: dict[str, str]) -> datetime:
    text = value["dateTime"]
    whole, _, fraction = text.partition(".")
    local = datetime.fromisoformat(whole)
    if fraction:
        local = local.replace(microsecond=int(fraction[:6].ljust(6, "0")))
    zone = iana_zone(value.get("timeZone", "UTC"))
    return local.replace(tzinfo=ZoneInfo(zone)).astimezone(timezone.utc)


def _clock(text: str) -> time:
    return time.fromisoformat(text.partition(".")[0])


def working_hours(doc: dict[str, Any] | None) -> WorkingHours | None:
    if not doc or not doc.get("startTime") or not doc.get("endTime"):
        return None
    days = frozenset(DAYS.index(day.lower()) for day in doc.get("daysOfWeek", ()) if day.lower() in DAYS)
    zone = iana_zone((doc.get("timeZone") or {}).get("name", ""))
    return WorkingHours(days=days, starts=_clock(doc["startTime"]), ends=_clock(doc["endTime"]), time_zone=zone)


class GraphCalendar:
    enabled = True

    def __init__(self, client: GraphClient, organiser_mailbox: str = ""):
        self._client = client
        self._organiser = organiser_mailbox
        self._said_managers_not_permitted = False

    async def _address(self, person: Invitee) -> Invitee:
        """Graph needs SMTP addresses for attendees and schedules; look one up when Tandem has none."""
        if person.email:
            return person
        doc = await self._client.call("GET", f"users/{person.mailbox}", mailbox=person.mailbox,
                                      params={"$select": "mail,userPrincipalName,displayName"})
        address = doc.get("mail") or doc.get("userPrincipalName") or ""
        if not address:
            raise CalendarError(f"{person.name or person.mailbox} has no mailbox address in the directory")
        return Invitee(person.mailbox, address, person.name or doc.get("displayName", ""))

    async def book(self, meeting: Meeting) -> EventRef:
        organiser = self._organiser or meeting.proposer.mailbox
        attendees = [await self._address(person) for person in meeting.attendees
                     if self._organiser or person.mailbox != meeting.proposer.mailbox]
        body: dict[str, Any] = {
            "subject": meeting.subject,
            "body": {"contentType": "text", "content": meeting.body},
            "start": graph_time(meeting.starts_at),
            "end": graph_time(meeting.ends_at),
            "attendees": [{"emailAddress": {"address": person.email, "name": person.name}, "type": "required"}
                          for person in attendees],
            "isOnlineMeeting": True,
            "onlineMeetingProvider": "teamsForBusiness",
            "allowNewTimeProposals": True,
        }
        if meeting.transaction_id:
            body["transactionId"] = meeting.transaction_id  # Graph returns the first event on a retry
        doc = await self._client.call("POST", f"users/{organiser}/events", mailbox=organiser, body=body,
                                      headers=UTC_PREFERENCE)
        return EventRef(organiser=organiser, event_id=doc["id"],
                        join_url=(doc.get("onlineMeeting") or {}).get("joinUrl", ""),
                        web_link=doc.get("webLink", ""))

    async def reschedule(self, event: EventRef, starts_at: datetime, ends_at: datetime) -> None:
        await self._client.call("PATCH", f"users/{event.organiser}/events/{event.event_id}", mailbox=event.organiser,
                                body={"start": graph_time(starts_at), "end": graph_time(ends_at)},
                                headers=UTC_PREFERENCE)

    async def cancel(self, event: EventRef, comment: str) -> None:
        try:
            await self._client.call("POST", f"users/{event.organiser}/events/{event.event_id}/cancel",
                                    mailbox=event.organiser, body={"comment": comment})
        except NotFoundInGraph:
            log.info("Event %s was already gone from %s", event.event_id, event.organiser)  # cancelled: done

    async def read(self, event: EventRef) -> EventState:
        doc = await self._client.call("GET", f"users/{event.organiser}/events/{event.event_id}",
                                      mailbox=event.organiser, headers=UTC_PREFERENCE,
                                      params={"$select": "start,end,isCancelled,attendees"})
        responses = {
            attendee["emailAddress"]["address"].lower(): Response.read((attendee.get("status") or {}).get("response", ""))
            for attendee in doc.get("attendees", ()) if (attendee.get("emailAddress") or {}).get("address")
        }
        return EventState(starts_at=read_graph_time(doc["start"]), ends_at=read_graph_time(doc["end"]),
                          is_cancelled=bool(doc.get("isCancelled")), responses=responses)

    async def free_busy(self, people: Sequence[Invitee], starts_at: datetime, ends_at: datetime,
                        ) -> dict[str, tuple[Busy, ...]]:
        """Busy blocks per person (keyed by mailbox) between two instants, from one getSchedule call."""
        if not people:
            return {}
        if ends_at - starts_at > MAX_SCHEDULE_SPAN:
            raise ValueError("getSchedule covers at most 62 days")
        addressed = [await self._address(person) for person in people]
        asker = self._organiser or addressed[0].mailbox
        doc = await self._client.call(
            "POST", f"users/{asker}/calendar/getSchedule", mailbox=asker, headers=UTC_PREFERENCE,
            body={"schedules": [person.email for person in addressed], "startTime": graph_time(starts_at),
                  "endTime": graph_time(ends_at), "availabilityViewInterval": 15})
        by_address = {(item.get("scheduleId") or "").lower(): item for item in doc.get("value", ())}
        result: dict[str, tuple[Busy, ...]] = {}
        for person in addressed:
            item = by_address.get(person.email.lower(), {})
            if item.get("error"):
                log.warning("No free/busy for %s: %s", person.mailbox, item["error"].get("message", item["error"]))
            result[person.mailbox] = tuple(
                Busy(read_graph_time(block["start"]), read_graph_time(block["end"]), block.get("status", "busy"))
                for block in item.get("scheduleItems", ()) if block.get("status", "busy") != "free")
        return result

    async def mailbox_settings(self, person: Invitee) -> MailboxSettings:
        doc = await self._client.call("GET", f"users/{person.mailbox}/mailboxSettings", mailbox=person.mailbox,
                                      params={"$select": "timeZone,workingHours"})
        return MailboxSettings(time_zone=iana_zone(doc.get("timeZone", "")),
                               working_hours=working_hours(doc.get("workingHours")))

    async def line_manager(self, person: Invitee) -> ManagerLookup:
        try:
            doc = await self._client.call("GET", f"users/{person.mailbox}/manager", mailbox=person.mailbox,
                                          params={"$select": "id,mail,displayName,userPrincipalName"})
        except NotFoundInGraph:
            return ManagerLookup(permitted=True, manager=None)
        except CalendarNotPermitted as error:
            if not self._said_managers_not_permitted:
                self._said_managers_not_permitted = True
                log.warning("Line managers cannot be read (%s); the 'never your own line manager' check is "
                            "skipped until User.Read.All is consented.", error.reason)
            return ManagerLookup(permitted=False)
        return ManagerLookup(permitted=True, manager=Invitee(
            doc.get("id", ""), doc.get("mail") or doc.get("userPrincipalName") or "", doc.get("displayName", "")))
