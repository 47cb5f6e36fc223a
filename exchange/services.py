"""Peers, follows and adoptions: the changes people make in the exchange."""

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts.models import User
from exchange.models import Adoption, Follow, Peer, ReceivedItem
from exchange.sync import check_peer_url
from ideas.models import Idea


class ExchangeError(ValueError):
    pass


def peer_add(*, url: str, by: User | None) -> Peer:
    try:
        url = check_peer_url(url)
    except ValueError as error:
        raise ExchangeError(str(error)) from error
    if Peer.objects.filter(url=url).exists():
        raise ExchangeError(_("This installation is already in the list."))
    return Peer.objects.create(url=url, added_by=by)


def follow(*, user: User, ars: str = "", municipality: str = "", topic: str = "") -> Follow:
    topic = topic.strip().lower()[:60]
    if not ars and not topic:
        raise ExchangeError(_("Choose a municipality or enter a topic."))
    try:
        with transaction.atomic():
            return Follow.objects.create(user=user, ars=ars, municipality=municipality, topic=topic)
    except IntegrityError:
        return Follow.objects.get(user=user, ars=ars, topic=topic)


def item_adopt(*, item: ReceivedItem, by: User) -> Idea:
    """A project or lesson of another municipality becomes an idea of ours that keeps its source link."""
    from ideas.services import idea_submit

    data = item.document
    lines = [
        _("Adapted from %(municipality)s: “%(title)s”.") % {"municipality": item.municipality, "title": item.title},
        item.url,
        "",
        item.summary,
    ]
    if item.kind == "lesson" and data.get("advice"):
        lines += ["", _("Their advice:") + " " + data["advice"]]
    lines += ["", _("What would we do differently here? Adapt, don't copy.")]
    with transaction.atomic():
        idea = Idea(
            title=item.title[:200],
            description="\n".join(line for line in lines if line is not None)[:5000],
            source=Idea.Source.EXCHANGE,
        )
        idea = idea_submit(idea=idea, author=by)
        Adoption.objects.create(
            item=item,
            idea=idea,
            source_title=item.title,
            source_municipality=item.municipality,
            source_url=item.url,
            adopted_by=by,
        )
    return idea
