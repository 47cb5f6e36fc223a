"""Sending e-mail with people's text in it: header values made safe in one place, sent after commit.

A subject is a header: a line break in it (a title typed with a newline, an imported row) makes
Django refuse the message with `BadHeaderError`. Every subject that carries user text goes through
`header_text`, and notifications that belong to a change go out with `send_after_commit`, so a
failing mail server never turns a change that was saved into an error page, and a change that was
rolled back sends nothing.

Every e-mail about an object (an idea, a lesson, a learning session) links to it with
`core.links.absolute_url` (ETAPPE_BASE_URL and the object's path). The console backend of development and the
demo (`ConsoleBackend`) prints each message decoded, so a long link is not cut by
quoted-printable soft line breaks; what goes out over SMTP is the standard MIME message.
"""

import re
from collections.abc import Sequence

from django.core.mail import EmailMessage
from django.core.mail.backends.console import EmailBackend as DjangoConsoleBackend
from django.db import transaction

SUBJECT_MAX = 150
# Line and paragraph separators, every other control character, and the Unicode line breaks
# some mail programs honour.
_BREAKS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")

# (file name, content, MIME type), as Django's EmailMessage takes attachments.
Attachment = tuple[str, str | bytes, str]


def header_text(value: object, *, max_length: int = SUBJECT_MAX) -> str:
    """`value` as one line fit for a mail header: control characters become spaces, runs of
    whitespace one space, and a long value is shortened with an ellipsis."""
    text = " ".join(_BREAKS.sub(" ", str(value)).split())
    if len(text) > max_length:
        text = text[: max_length - 1].rstrip() + "…"
    return text


def _message(subject: str, body: str, recipients: list[str], attachments: Sequence[Attachment]) -> EmailMessage:
    return EmailMessage(header_text(subject), body, None, recipients, attachments=list(attachments))


def send_now(subject: object, body: str, recipients: Sequence[str], *, attachments: Sequence[Attachment] = ()) -> None:
    _message(str(subject), body, list(recipients), attachments).send()


def send_after_commit(
    subject: object, body: str, recipients: Sequence[str], *, attachments: Sequence[Attachment] = ()
) -> None:
    """Send once the surrounding transaction has committed; a failure is logged, not raised."""
    recipients = list(recipients)
    if not recipients:
        return
    message = _message(str(subject), body, recipients, attachments)
    transaction.on_commit(message.send, robust=True)


class ConsoleBackend(DjangoConsoleBackend):
    """Prints each message for a person to read: headers decoded, text parts decoded, attachments
    by name, type and size (text attachments such as a calendar file in full).

    Django's console backend prints the raw MIME message, where quoted-printable breaks every line
    longer than 76 characters with a "=" – a confirmation link copied from the demo's console then
    leads nowhere.
    """

    SKIPPED_HEADERS = {"content-type", "content-transfer-encoding", "mime-version"}

    def write_message(self, message: EmailMessage) -> None:
        msg = message.message()
        lines = [f"{name}: {value}" for name, value in msg.items() if name.lower() not in self.SKIPPED_HEADERS]
        texts: list[str] = []
        for part in msg.walk():
            if part.is_multipart():
                continue
            filename = part.get_filename()
            content = part.get_content()
            if filename is None and part.get_content_maintype() == "text":
                texts.append(content.rstrip("\n"))
                continue
            size = len(content.encode() if isinstance(content, str) else content)
            lines.append(f"Attachment: {filename or '–'} ({part.get_content_type()}, {size} bytes)")
            if isinstance(content, str):
                texts.append(f"--- {filename} ---\n{content.replace(chr(13), '').rstrip(chr(10))}")
        self.stream.write("\n".join(lines) + "\n\n" + "\n\n".join(texts) + "\n")
        self.stream.write("-" * 79 + "\n")
