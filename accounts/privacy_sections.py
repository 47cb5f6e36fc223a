"""The sections of "download my data" and the erasers for accounts and the idea pool.

Registered from AccountsConfig.ready(). The idea-pool part belongs to the ideas app; it lives
here until ideas/apps.py registers it itself (`register_ideas` can move to ideas/privacy.py
unchanged). Other apps add their own sections the same way, see accounts/privacy.py.
"""

from typing import Any

from django.db.models import Q

from accounts.models import User
from accounts.privacy import mask_logged_fields, register_eraser, register_section


def register() -> None:
    register_section("account", export_account)
    register_section("memberships", export_memberships)
    register_section("api_tokens", export_api_tokens)
    register_section("logins", export_logins)
    register_section("audit_trail", export_audit_trail)
    register_ideas()


def export_account(user: User) -> dict[str, Any]:
    return {
        "email": user.email,
        "name": user.full_name,
        "role": user.role,
        "active": user.is_active,
        "joined": user.date_joined,
        "last_login": user.last_login,
    }


def export_memberships(user: User) -> list[dict[str, Any]]:
    return [
        {"unit": m.unit.name, "unit_short_name": m.unit.short_name, "leads_unit": m.is_lead}
        for m in user.memberships.select_related("unit").order_by("unit__name")
    ]


def export_api_tokens(user: User) -> list[dict[str, Any]]:
    # Names and dates only: the key is never stored, and even its prefix stays out of the file.
    return [
        {"name": t.name, "created": t.created_at, "last_used": t.last_used_at, "revoked": t.revoked_at}
        for t in user.api_tokens.order_by("created_at", "pk")
    ]


def export_logins(user: User) -> dict[str, list[dict[str, Any]]]:
    """The login records of the address (django-axes): successful logins with address and browser, failed attempts."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    email = user.email
    return {
        "successful": [
            {"at": r.attempt_time, "logout": r.logout_time, "address": r.ip_address, "user_agent": r.user_agent}
            for r in AccessLog.objects.filter(username__iexact=email).order_by("attempt_time", "pk")
        ],
        "failed": [
            {"at": r.attempt_time, "address": r.ip_address, "user_agent": r.user_agent, "locked_out": r.locked_out}
            for r in AccessFailureLog.objects.filter(username__iexact=email).order_by("attempt_time", "pk")
        ],
        "counting_towards_lockout": [
            {
                "first": r.attempt_time,
                "failures": r.failures_since_start,
                "address": r.ip_address,
                "user_agent": r.user_agent,
            }
            for r in AccessAttempt.objects.filter(username__iexact=email).order_by("attempt_time", "pk")
        ],
    }


ACTIONS = {0: "create", 1: "update", 2: "delete", 3: "access"}  # auditlog's LogEntry.Action


def export_audit_trail(user: User) -> list[dict[str, Any]]:
    """What the person changed, from the audit trail: when, what, which fields, from which address.

    The changed values stay out: they may be other people's data (an address the person
    corrected as staff); the person's own values are in the other sections.
    """
    from auditlog.models import LogEntry

    entries = LogEntry.objects.filter(actor=user).select_related("content_type").order_by("timestamp", "pk")
    return [
        {
            "at": e.timestamp,
            "action": ACTIONS.get(e.action, str(e.action)),
            "object_type": e.content_type.model,
            "object_id": e.object_pk,
            "object": e.object_repr,
            "fields": sorted(e.changes) if isinstance(e.changes, dict) else [],
            "address": e.remote_addr,
        }
        for e in entries.iterator(chunk_size=2000)
    ]


# --- idea pool -------------------------------------------------------------------------------


def register_ideas() -> None:
    register_section("ideas", export_ideas)
    register_section("comments", export_comments)
    register_section("supports", export_supports)
    register_section("follows", export_follows)
    register_section("reports", export_reports)
    register_section("idea_status_decisions", export_status_decisions)
    register_eraser("ideas", erase_ideas)


def own_ideas(user: User) -> Q:
    """Ideas submitted with the account, and those submitted without one from the same address.

    Both addresses were confirmed by whoever controls the mailbox (registration and the
    double opt-in of anonymous ideas), so they belong to the same person.
    """
    return Q(author=user) | Q(author__isnull=True, author_email__iexact=user.email)


def export_ideas(user: User) -> list[dict[str, Any]]:
    from ideas.models import Idea

    ideas = Idea.objects.filter(own_ideas(user)).select_related("field_of_action").order_by("submitted_at", "pk")
    return [
        {
            "id": idea.pk,
            "url": idea.get_absolute_url(),
            "title": idea.title,
            "description": idea.description,
            "field_of_action": idea.field_of_action.title if idea.field_of_action else None,
            "benefits": {
                "citizens": idea.benefits_citizens,
                "staff": idea.benefits_staff,
                "businesses": idea.benefits_businesses,
            },
            "status": idea.status,
            "moderation": idea.moderation,
            "submitted": idea.submitted_at,
            "submitted_with_account": idea.author_id == user.pk,
            "name_given": idea.author_name,
            "email_given": idea.author_email,
            "consent_given": idea.consent_at,
        }
        for idea in ideas
    ]


def export_comments(user: User) -> list[dict[str, Any]]:
    from ideas.models import Comment

    comments = Comment.objects.filter(author=user).select_related("idea").order_by("created_at", "pk")
    return [
        {
            "id": c.pk,
            "url": c.get_absolute_url(),
            "idea": {"id": c.idea_id, "title": c.idea.title},
            "reply_to": c.parent_id,
            "text": c.text,
            "moderation": c.moderation,
            "created": c.created_at,
        }
        for c in comments
    ]


def export_supports(user: User) -> list[dict[str, Any]]:
    return [
        {"idea": {"id": s.idea_id, "title": s.idea.title}, "created": s.created_at}
        for s in user.supports.select_related("idea").order_by("created_at", "pk")
    ]


def export_follows(user: User) -> list[dict[str, Any]]:
    return [
        {"idea": {"id": f.idea_id, "title": f.idea.title}, "created": f.created_at}
        for f in user.followed_ideas.select_related("idea").order_by("created_at", "pk")
    ]


def export_reports(user: User) -> list[dict[str, Any]]:
    from ideas.models import Report

    reports = Report.objects.filter(reporter=user).order_by("created_at", "pk")
    return [
        {
            "id": r.pk,
            "about": {"kind": "idea", "id": r.idea_id} if r.idea_id else {"kind": "comment", "id": r.comment_id},
            "reason": r.reason,
            "created": r.created_at,
            "resolved": r.resolved_at,
        }
        for r in reports
    ]


def export_status_decisions(user: User) -> list[dict[str, Any]]:
    """Status changes the person made as a member of staff (their own submissions included)."""
    from ideas.models import StatusChange

    changes = StatusChange.objects.filter(changed_by=user).order_by("changed_at", "pk")
    return [
        {
            "idea": c.idea_id,
            "from": c.from_status,
            "to": c.to_status,
            "reason": c.reason,
            "changed": c.changed_at,
        }
        for c in changes
    ]


def erase_ideas(user: User) -> None:
    """Ideas and comments stay, without an author; follows go; supports stay with the pseudonym.

    Supports stay so that the public count does not change and "one support per person" still
    holds; they are not shown with a name anywhere. Status decisions the person took as staff
    stay with the pseudonym (official acts); their own "submitted" entries lose it.
    """
    from ideas.models import Comment, Follow, Idea, Report, StatusChange

    ideas = Idea.objects.filter(own_ideas(user))
    pks = list(ideas.values_list("pk", flat=True))
    Idea.objects.filter(pk__in=pks).update(author=None, author_name="", author_email="")
    mask_logged_fields(Idea, pks, ["author_name", "author_email"])
    StatusChange.objects.filter(changed_by=user, to_status=Idea.Status.SUBMITTED).update(changed_by=None)
    Comment.objects.filter(author=user).update(author=None)
    Report.objects.filter(reporter=user).update(reporter=None)
    Follow.objects.filter(user=user).delete()
