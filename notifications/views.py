from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.access import require
from core.http import AuthenticatedHtmxHttpRequest, AuthenticatedHttpRequest
from notifications.context_processors import unread_for
from notifications.forms import FollowForm, FrequencyForm, UnfollowForm
from notifications.models import Frequency, Notification
from notifications.permissions import access_followable, access_notification, can_follow
from notifications.services import (
    follow,
    followed_page,
    followed_rows,
    frequency_of,
    is_following,
    mark_all_read,
    mark_read,
    own_ideas,
    set_frequency,
    unfollow,
    unfollow_row,
    user_for_token,
)
from notifications.templatetags.follow import button_context

PAGE_SIZE = 25
FOLLOWING_PAGE_SIZE = 50


@login_required
def notification_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    rows = Notification.objects.filter(recipient=request.user).only(
        "pk", "kind", "title", "detail", "path", "created_at", "read_at"
    )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page": page, "unread": unread_for(request), "frequency": Frequency(frequency_of(request.user)).label}
    return render(request, "notifications/list.html", context)


@login_required
@require_POST
def read_all(request: AuthenticatedHttpRequest) -> HttpResponse:
    mark_all_read(user=request.user)
    messages.success(request, _("All notifications are marked as read."))
    return redirect("notifications:list")


@login_required
@require_POST
def open_notification(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Go to what a notification is about; it counts as read (one's own only; others' do not exist).
    A POST, as it changes the notification."""
    notification = access_notification(request.user, pk)
    mark_read(notification=notification)
    return redirect(notification.path)


@login_required
def settings_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = FrequencyForm(request.POST or None, initial={"frequency": frequency_of(request.user)})
    if request.method == "POST" and form.is_valid():
        set_frequency(user=request.user, frequency=form.cleaned_data["frequency"])
        messages.success(request, _("Your notification settings were saved."))
        return redirect("notifications:settings")
    context = {"form": form, "title": _("Notification settings"), "cancel_url": reverse("notifications:list")}
    return render(request, "notifications/settings.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def follow_view(request: AuthenticatedHtmxHttpRequest, kind: str, pk: int) -> HttpResponse:
    target = access_followable(request.user, kind, pk)
    require(can_follow(request.user))
    form = FollowForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest()
    if form.cleaned_data["action"] == "follow":
        follow(user=request.user, target=target)
    else:
        unfollow(user=request.user, target=target)
    if not request.htmx:
        return redirect(target)
    following = is_following(user=request.user, target=target)
    return render(request, "notifications/_follow_button.html", button_context(request, target, following))


@login_required
def following(request: AuthenticatedHttpRequest) -> HttpResponse:
    """What the person follows, grouped by kind, each with a button to stop following; on the
    first page also the person's own ideas, of whose status they always hear (no button)."""
    page = Paginator(followed_rows(request.user), FOLLOWING_PAGE_SIZE).get_page(request.GET.get("page"))
    own = list(own_ideas(request.user)) if page.number == 1 else []
    context = {"page": page, "rows": followed_page(request.user, page), "own_ideas": own}
    return render(request, "notifications/following.html", context)


@login_required
@require_POST
def following_remove(request: AuthenticatedHttpRequest, source: str, pk: int) -> HttpResponse:
    """Stop following one row of the page (one's own rows only; anything else does not exist)."""
    form = UnfollowForm(request.POST)
    if source not in ("idea", "content", "exchange") or not form.is_valid():
        return HttpResponseBadRequest()
    if not unfollow_row(user=request.user, source=source, pk=pk):
        raise Http404
    messages.success(request, _("You no longer follow it."))
    page = form.cleaned_data["page"]
    return redirect(reverse("notifications:following") + (f"?page={page}" if page and page > 1 else ""))


def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """The link in every mail: works without logging in. GET asks, POST stops the mails."""
    person = user_for_token(token)
    if person is None:
        return render(request, "notifications/unsubscribe_invalid.html", status=400)
    done = request.method == "POST"
    if done:
        set_frequency(user=person, frequency=Frequency.NEVER)
    return render(request, "notifications/unsubscribe.html", {"person": person, "done": done})
