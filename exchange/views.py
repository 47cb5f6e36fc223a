import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core.access import require
from core.editing import delete_view
from core.http import AuthenticatedHttpRequest, HtmxHttpRequest
from core.ratelimit import allow
from exchange.forms import ExchangeSearchForm, FollowForm, PeerForm
from exchange.models import Follow, Peer, ReceivedItem
from exchange.permissions import access_item, access_peer, can_adopt, can_follow, can_manage_peers, can_see_peers
from exchange.received import search_received
from exchange.services import ExchangeError, follow, item_adopt, peer_add
from exchange.similar import similar_items
from exchange.sync import sync_peers
from ideas.models import Idea
from ideas.similarity import SIMILAR_LIMIT
from projects.models import Project

# An id in a query string: ASCII digits only (str.isdigit() also accepts '²', which int() refuses).
NUMBER = re.compile(r"[0-9]{1,12}")

PAGE_SIZE = 20


def exchange_index(request: HttpRequest) -> HttpResponse:
    """Learning from others: everything received, searchable, failures included."""
    form = ExchangeSearchForm(request.GET or None)
    items = ReceivedItem.objects.current().order_by("-remote_changed_at", "-id")
    if form.is_valid():
        data = form.cleaned_data
        items = search_received(data["q"], kind=data["type"]) if data["q"] or data["type"] else items
        if data["outcome"]:
            items = items.filter(outcome=data["outcome"])
        if data["state"]:
            items = items.filter(state=data["state"])
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "peers": Peer.objects.filter(active=True).count(),
        "can_see_peers": can_see_peers(request.user),
    }
    return render(request, "exchange/index.html", context)


def item_detail(request: HttpRequest, pk: int) -> HttpResponse:
    item = access_item(request.user, pk)
    related: QuerySet[ReceivedItem] | list[ReceivedItem] = []
    if item.kind == "project":
        related = ReceivedItem.objects.current().filter(peer=item.peer, document__project_uid=item.uid)[:20]
    context = {
        "item": item,
        "data": item.document,
        "related": related,
        "can_adopt": can_adopt(request.user),
        "adoptions": item.adoptions.select_related("idea") if can_adopt(request.user) else [],
        "can_follow": can_follow(request.user),
    }
    return render(request, "exchange/item_detail.html", context)


@login_required
@require_POST
def item_adopt_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    require(can_adopt(request.user))
    item = access_item(request.user, pk)
    idea = item_adopt(item=item, by=request.user)
    messages.success(request, _("The idea was added to our idea pool. Now adapt it to our town."))
    return redirect(idea)


def directory(request: HttpRequest) -> HttpResponse:
    """Participating municipalities by federal state: the peers and everyone whose items arrived."""
    rows = (
        ReceivedItem.objects.current()
        .values("ars", "municipality", "state")
        .annotate(projects=Count("pk", filter=Q(kind="project")), lessons=Count("pk", filter=Q(kind="lesson")))
        .order_by("state", "municipality")
    )
    states: dict[str, list] = {}
    for row in rows:
        states.setdefault(row["state"] or _("unknown"), []).append(row)
    return render(request, "exchange/directory.html", {"states": states})


def similar_panel(request: HtmxHttpRequest) -> HttpResponse:
    """ "Who has done this before?" for a local idea or project (an htmx fragment, or a page without JavaScript)."""
    template = "exchange/_similar.html" if request.htmx else "exchange/similar_page.html"
    # Each uncached subject costs an embedding: without an account, an address may ask as often
    # as it may look up similar ideas.
    if not request.user.is_authenticated and not allow(
        request, scope="exchange-similar", limit=SIMILAR_LIMIT[0], window_seconds=SIMILAR_LIMIT[1]
    ):
        return render(request, template, {"items": [], "subject": None, "limited": True}, status=429)
    text = ""
    subject: Idea | Project | None = None
    if NUMBER.fullmatch(request.GET.get("idea", "")):
        subject = get_object_or_404(Idea.objects.visible_to(request.user), pk=request.GET["idea"])
        text = f"{subject.title} {subject.description[:300]}"
    elif NUMBER.fullmatch(request.GET.get("project", "")):
        subject = get_object_or_404(Project.objects.visible_to(request.user), pk=request.GET["project"])
        text = f"{subject.title} {subject.summary[:300]}"
    items = similar_items(text) if text else []
    return render(request, template, {"items": items, "subject": subject})


@login_required
def peer_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    require(can_see_peers(request.user))
    form = PeerForm(request.POST or None) if can_manage_peers(request.user) else None
    if request.method == "POST":
        if form is None:  # what require() refuses: only who may manage peers may add one
            raise PermissionDenied
        if form.is_valid():
            try:
                peer = peer_add(url=form.cleaned_data["url"], by=request.user)
            except ExchangeError as error:
                form.add_error("url", str(error))
            else:
                messages.success(
                    request, _("The installation was added. Fetch its feed now or wait for the next sync.")
                )
                return redirect(peer)
    page = Paginator(Peer.objects.all(), 50).get_page(request.GET.get("page"))
    return render(
        request, "exchange/peers.html", {"form": form, "page": page, "can_manage": can_manage_peers(request.user)}
    )


@login_required
def peer_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    peer = access_peer(request.user, pk)
    items = Paginator(peer.items.current(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "exchange/peer_detail.html",
        {"peer": peer, "page": items, "can_manage": can_manage_peers(request.user)},
    )


@login_required
@require_POST
def peer_sync(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    require(can_manage_peers(request.user))
    peer = access_peer(request.user, pk)
    outcome = sync_peers([peer])[0]
    if outcome.ok:
        messages.success(
            request,
            _("Synced: %(stored)s items received or updated, %(withdrawn)s withdrawn.")
            % {"stored": outcome.stored, "withdrawn": outcome.withdrawn},
        )
    else:
        messages.error(request, _("The sync failed: %(error)s") % {"error": outcome.error})
    return redirect(peer)


@login_required
@require_POST
def peer_toggle(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    require(can_manage_peers(request.user))
    peer = access_peer(request.user, pk)
    peer.active = not peer.active
    peer.save(update_fields=["active"])
    messages.success(
        request, _("The installation is followed again.") if peer.active else _("The installation is paused.")
    )
    return redirect(peer)


peer_delete = delete_view(
    access_peer,
    allowed=can_manage_peers,
    list_url="exchange:peers",
    consequences=gettext_lazy("Everything received from it is deleted too; ideas adopted from it stay."),
)


@login_required
def activity(request: AuthenticatedHttpRequest) -> HttpResponse:
    """What the municipalities and topics one follows have done lately."""
    require(can_follow(request.user))
    follows = list(Follow.objects.filter(user=request.user))
    condition = Q(pk__in=[])
    for each in follows:
        if each.ars:
            condition |= Q(ars=each.ars)
        if each.topic:
            condition |= Q(title__icontains=each.topic) | Q(summary__icontains=each.topic)
    items = ReceivedItem.objects.current().filter(condition).order_by("-remote_changed_at", "-id")
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "exchange/activity.html", {"follows": follows, "page": page, "form": FollowForm()})


@login_required
@require_POST
def follow_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    require(can_follow(request.user))
    form = FollowForm(request.POST)
    if form.is_valid():
        try:
            follow(user=request.user, **form.cleaned_data)
        except ExchangeError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("You follow it now; its news appear in your activity stream."))
    return redirect("exchange:activity")


@login_required
@require_POST
def unfollow_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    Follow.objects.filter(user=request.user, pk=pk).delete()
    messages.success(request, _("You no longer follow it."))
    return redirect("exchange:activity")
