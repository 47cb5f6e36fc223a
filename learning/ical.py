"""A learning session as an iCalendar file (RFC 5545), for the download and the confirmation e-mail.

Written by hand (no extra dependency), following the parts of RFC 5545 a calendar program needs:
CRLF line ends; lines folded at 75 octets without splitting a UTF-8 character (3.1); TEXT values
with backslash, semicolon, comma and line breaks escaped and other control characters dropped
(3.3.11); times in UTC (3.3.5, form 2), so no VTIMEZONE is needed and every program shows the
session at the right local time (Europe/Berlin for Lindenfeld); a UID that stays the same for the
session, so importing the file again updates the entry instead of adding a second one.
"""

import re
from datetime import UTC, datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from core.links import absolute_url
from learning.models import Session

PRODID = "-//Etappe//Lernangebote//DE"
# File names spell umlauts as German does without them ("souverän" → "souveraen", not "souveran").
GERMAN_LETTERS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ß": "ss"})
LINE_OCTETS = 75
# Control characters other than the tab, which RFC 5545 does not allow in TEXT (line breaks are
# turned into the escape \n before this applies), and the Unicode line and paragraph separators.
_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f\u2028\u2029]")


def escape_text(value: object) -> str:
    text = str(value).replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")
    return _CONTROL.sub("", text)


def fold(line: str) -> str:
    """One content line folded: at most 75 octets per physical line, continuation lines start with a space."""
    parts: list[str] = []
    current: list[str] = []
    size = 0
    for char in line:
        octets = len(char.encode())
        # A continuation line's leading space counts towards its 75 octets.
        if size + octets > LINE_OCTETS - (1 if parts else 0):
            parts.append("".join(current))
            current, size = [], 0
        current.append(char)
        size += octets
    parts.append("".join(current))
    return "\r\n ".join(parts)


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def session_uid(session: Session) -> str:
    host = urlsplit(settings.ETAPPE_BASE_URL).hostname or "etappe"
    return f"learning-session-{session.pk}@{host}"


def session_filename(session: Session) -> str:
    day = timezone.localtime(session.starts_at).date().isoformat()
    name = slugify(session.unit.title.translate(GERMAN_LETTERS))[:60].strip("-")
    return f"{name or 'termin'}-{day}.ics"


def session_ics(session: Session, *, with_online_link: bool) -> str:
    """The session as a calendar with one event. The online link goes in only for people who may
    see it (registered participants and the strategy team), as on the session's page."""
    unit = session.unit
    url = absolute_url(session)
    online = session.online_url if with_online_link else ""
    details = [unit.summary]
    if session.trainer:
        details.append(_("Given by: %(trainer)s") % {"trainer": session.trainer})
    if online:
        details.append(_("Online: %(link)s") % {"link": online})
    if session.note:
        details.append(_("Note: %(note)s") % {"note": session.note})
    details.append(_("The session on the platform: %(link)s") % {"link": url})
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        f"UID:{session_uid(session)}",
        f"DTSTAMP:{_utc(timezone.now())}",
        f"DTSTART:{_utc(session.starts_at)}",
        f"DTEND:{_utc(session.ends_at)}",
        f"SUMMARY:{escape_text(unit.title)}",
    ]
    location = session.place or online
    if location:
        lines.append(f"LOCATION:{escape_text(location)}")
    lines += [
        f"DESCRIPTION:{escape_text(chr(10).join(details))}",
        f"URL:{url}",
        "STATUS:CONFIRMED",
        "TRANSP:OPAQUE",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return "".join(fold(line) + "\r\n" for line in lines)
