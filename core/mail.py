"""Sending e-mail with people's text in it: header values made safe in one place, sent after commit.

A subject is a header: a line break in it (a title typed with a newline, an imported row) makes
Django refuse the message with `BadHeaderError`. Every subject that carries user text goes through
`header_text`, and notifications that belong to a change go out with `send_after_commit`, so a
failing mail server never turns a change that was saved into an error page, and a change that was
rolled back sends nothing.
"""

import re
from collections.abc import Sequence

from django.core.mail import send_mail
from django.db import transaction

SUBJECT_MAX = 150
# Line and paragraph separators, every other control character, and the Unicode line breaks
# some mail programs honour.
_BREAKS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")


def header_text(value: object, *, max_length: int = SUBJECT_MAX) -> str:
    """`value` as one line fit for a mail header: control characters become spaces, runs of
    whitespace one space, and a long value is shortened with an ellipsis."""
    text = " ".join(_BREAKS.sub(" ", str(value)).split())
    if len(text) > max_length:
        text = text[: max_length - 1].rstrip() + "…"
    return text


def send_now(subject: object, body: str, recipients: Sequence[str]) -> None:
    send_mail(header_text(subject), body, None, list(recipients))


def send_after_commit(subject: object, body: str, recipients: Sequence[str]) -> None:
    """Send once the surrounding transaction has committed; a failure is logged, not raised."""
    recipients = list(recipients)
    if not recipients:
        return
    subject = header_text(subject)
    transaction.on_commit(lambda: send_mail(subject, body, None, recipients), robust=True)
