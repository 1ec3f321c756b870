"""iCalendar feed of class sessions, for calendar apps that subscribe by URL."""

from icalendar import Calendar, Event

from django.conf import settings
from django.utils import timezone

from lms.core.links import site_host


def sessions_calendar(sessions, *, name: str) -> bytes:
    """An .ics calendar with one event per session; UIDs are stable so updates replace events."""
    calendar = Calendar()
    calendar.add("prodid", "-//ISO 9001 LMS//classes//VI")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    host = site_host()
    for session in sessions:
        event = Event()
        event.add("uid", f"class-session-{session.pk}@{host}")
        event.add("summary", session.title or session.training_class.title)
        event.add("dtstart", session.starts_at)
        event.add("dtend", session.ends_at)
        event.add("dtstamp", timezone.now())
        event.add("location", session.venue)
        event.add("description", session.training_class.course.title)
        event.add("status", "CANCELLED" if session.status == "cancelled" else "CONFIRMED")
        calendar.add_component(event)
    return calendar.to_ical()
