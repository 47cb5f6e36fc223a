import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.access import require
from core.exports import dated_filename, table_response
from core.http import AuthenticatedHtmxHttpRequest, AuthenticatedHttpRequest, HtmxHttpRequest
from core.ratelimit import allow
from core.tables import StagedUpload
from core.text import stems_of
from ideas import exports
from ideas.forms import (
    AnonymousIdeaForm,
    CommentForm,
    HideForm,
    IdeaFilterForm,
    IdeaForm,
    ImportForm,
    MergeForm,
    ReportForm,
    StaffIdeaForm,
    StatusChangeForm,
)
from ideas.importing import ImportResult, ideas_import, parse_ideas
from ideas.models import Comment, Idea, Moderation, Report, Support
from ideas.permissions import (
    access_comment,
    access_idea,
    access_idea_for_moderation,
    can_comment,
    can_moderate,
    can_support,
    is_supportable,
    merge_targets,
    submission_moderation,
    supportable_ideas,
)
from ideas.services import (
    SubmissionRepeated,
    WorkflowError,
    comment_add,
    comment_moderate,
    earlier_submission,
    idea_confirm_email,
    idea_merge,
    idea_moderate,
    idea_submit,
    idea_support_in,
    idea_to_confirm,
    idea_unsupport,
    ideas_embed_later,
    report_create,
)
from ideas.similarity import QUERY_CHARS, SIMILAR_LIMIT, ideas_similar_to, similar_ideas
from ideas.workflow import idea_change_status
from participation.permissions import can_see_participation
from surveys.models import Survey

PAGE_SIZE = 20
# Columns the list never shows; the embeddings alone are about 3.5 kB per row.
LIST_DEFERRED = ("embedding", "sparse_terms", "search_stems", "hidden_reason", "author_email")
ANONYMOUS_LIMIT = (5, 3600)  # submissions per address per hour
EXPORT_LIMIT = (20, 3600)  # exports per address per hour without an account
IDEA_NUMBER = re.compile(r"[0-9]{1,12}")
SIMILAR_MIN_CHARS = 8
# The search for the idea to keep when merging: what is read of the query, and how many are listed.
MERGE_QUERY_CHARS = 200
MERGE_RESULTS = 20


def filtered_ideas(request: HttpRequest) -> tuple[IdeaFilterForm, QuerySet[Idea]]:
    """The list's filters, search and sort, shared by the page, its htmx partial and the exports."""
    form = IdeaFilterForm(request.GET or None)
    ideas = Idea.objects.visible_to(request.user).select_related("field_of_action").defer(*LIST_DEFERRED)
    if not form.is_valid():  # a value the form does not know filters nothing
        return form, ideas.sorted_by(None)
    data = form.cleaned_data
    ideas = ideas.filter_by(status=data["status"], source=data["source"], field_of_action=data["field"], q=data["q"])
    return form, ideas.sorted_by(data["sort"])


def idea_list(request: HtmxHttpRequest) -> HttpResponse:
    form, ideas = filtered_ideas(request)
    page = Paginator(ideas, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "can_moderate": can_moderate(request.user),
        "query_string": request.GET.urlencode(),
    }
    if request.htmx:
        return render(request, "ideas/idea_list.html#results", context)
    return render(request, "ideas/idea_list.html", context)


def idea_export(request: HttpRequest, fmt: str) -> HttpResponse:
    # Every public idea in one file: the one public page whose cost grows with the pool (XLSX about
    # 0.2 ms of CPU per idea), so addresses without an account may ask EXPORT_LIMIT times.
    if not request.user.is_authenticated and not allow(
        request, scope="idea-export", limit=EXPORT_LIMIT[0], window_seconds=EXPORT_LIMIT[1]
    ):
        return HttpResponse(
            _("Too many exports were requested from your address. Please try again in an hour."),
            content_type="text/plain; charset=utf-8",
            status=429,
        )
    _form, ideas = filtered_ideas(request)
    return table_response(fmt, exports.ideas_table(ideas), filename=dated_filename("ideen", fmt))


# The form follows what the submission will wait for (ideas.permissions.submission_moderation):
# without an account it asks for the address to confirm; the administration also names the source.
IDEA_FORMS: dict[str, type[IdeaForm]] = {
    Moderation.UNCONFIRMED: AnonymousIdeaForm,
    Moderation.PENDING: IdeaForm,
    Moderation.PUBLISHED: StaffIdeaForm,
}


def idea_create(request: HttpRequest) -> HttpResponse:
    user = request.user
    form_class = IDEA_FORMS[submission_moderation(user)]
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        # The same form sent again (double click, a parallel resend) lands where the first one did.
        token = form.cleaned_data["submission"]
        idea = earlier_submission(token)
        if idea is None:
            if not user.is_authenticated and not allow(
                request, scope="idea", limit=ANONYMOUS_LIMIT[0], window_seconds=ANONYMOUS_LIMIT[1]
            ):
                messages.error(request, _("Too many ideas were sent from your address. Please try again in an hour."))
                return render(request, "ideas/idea_form.html", {"form": form}, status=429)
            new = form.save(commit=False)
            new.submission_token = token
            try:
                idea = idea_submit(idea=new, author=user if user.is_authenticated else None)
            except SubmissionRepeated as repeated:
                idea = repeated.idea
        if not _same_submitter(idea, user, form):
            return render(request, "ideas/idea_form.html", {"form": _with_new_token(form_class, request)})
        # The answer follows what the service decided (for a repeat: what became of the first one).
        if idea.moderation == Moderation.UNCONFIRMED:
            return render(request, "ideas/idea_submitted.html", {"idea": idea, "needs_confirmation": True})
        if idea.moderation == Moderation.PENDING:
            messages.success(request, _("Thank you! Your idea will be published after a short check."))
        elif idea.moderation == Moderation.PUBLISHED:
            messages.success(request, _("Thank you! Your idea is published."))
        return redirect(idea)
    return render(request, "ideas/idea_form.html", {"form": form})


def _same_submitter(idea: Idea, user, form: IdeaForm) -> bool:
    """A token is random per rendered form; still, a repeat only shows the idea to whoever sent it first."""
    if user.is_authenticated:
        return idea.author_id == user.pk
    return idea.author_id is None and idea.author_email == form.cleaned_data.get("author_email")


def _with_new_token(form_class: type[IdeaForm], request: HttpRequest) -> IdeaForm:
    data = request.POST.copy()
    data.pop("submission", None)
    form = form_class(data)
    form.is_valid()
    return form


def idea_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """Opening the link asks; only the button confirms. Mail scanners and link previews open every
    link in a mail, so a GET that confirmed would publish ideas sent in someone else's name."""
    if request.method == "POST":
        idea = idea_confirm_email(token=token)
        if idea is None:
            return render(request, "ideas/idea_confirm_invalid.html", status=400)
        return render(request, "ideas/idea_submitted.html", {"idea": idea, "needs_confirmation": False})
    idea = idea_to_confirm(token=token)
    if idea is None:
        return render(request, "ideas/idea_confirm_invalid.html", status=400)
    if idea.moderation != Moderation.UNCONFIRMED:
        return render(request, "ideas/idea_submitted.html", {"idea": idea, "needs_confirmation": False})
    return render(request, "ideas/idea_confirm.html", {"idea": idea})


def similar(request: HtmxHttpRequest) -> HttpResponse:
    """Similar ideas for the text being typed, or for an idea (loaded by its page after rendering).

    htmx gets the list alone; without JavaScript the same URL is a page of its own. Each field is
    read up to the API's length; without an account, an address may ask SIMILAR_LIMIT times.
    """
    template = "ideas/_similar.html" if request.htmx else "ideas/similar.html"
    if not request.user.is_authenticated and not allow(
        request, scope="similar", limit=SIMILAR_LIMIT[0], window_seconds=SIMILAR_LIMIT[1]
    ):
        return render(request, template, {"matches": [], "limited": True}, status=429)
    idea = None
    if IDEA_NUMBER.fullmatch(request.GET.get("idea", "")):
        idea = access_idea(request.user, int(request.GET["idea"]))
        matches = ideas_similar_to(idea, limit=5)
        typed = True
    else:
        text = " ".join(request.GET.get(key, "")[:QUERY_CHARS] for key in ("title", "description", "text")).strip()
        # Below eight characters nothing is looked up, so nothing may be said about what was found.
        typed = len(text) >= SIMILAR_MIN_CHARS
        matches = similar_ideas(text, limit=5) if typed else []
    context = {"matches": matches, "typed": typed, "idea": idea}
    return render(request, template, context)


def idea_detail(request: HttpRequest, pk: int) -> HttpResponse:
    idea = access_idea(request.user, pk)
    moderator = can_moderate(request.user)
    visible = Comment.objects.select_related("author")
    if not moderator:
        visible = visible.filter(Q(moderation=Moderation.PUBLISHED) | Q(author_id=request.user.pk or 0))
    comments = (
        visible.filter(idea=idea, parent__isnull=True)
        .prefetch_related(Prefetch("replies", queryset=visible.order_by("created_at", "pk"), to_attr="visible_replies"))
        .order_by("created_at", "pk")
    )
    context = {
        "idea": idea,
        "timeline": idea.status_changes.select_related("changed_by"),
        "comments": comments,
        "merged_ideas": idea.merged_ideas.only("pk", "title"),
        "origin_workshops": idea.workshops.only("pk", "title", "held_on"),
        "origin_surveys": Survey.objects.filter(questions__answers__idea=idea)
        .distinct()
        .only("pk", "title", "audience"),
        "sees_participation": can_see_participation(request.user),
        "has_supported": request.user.is_authenticated
        and Support.objects.filter(idea=idea, user=request.user).exists(),
        "can_support": can_support(request.user) and is_supportable(idea),
        "can_comment": can_comment(request.user) and idea.is_public,
        "can_moderate": moderator,
        "comment_form": CommentForm(),
        "status_form": StatusChangeForm(idea=idea) if moderator else None,
    }
    return render(request, "ideas/idea_detail.html", context)


@login_required
@require_POST
def support(request: AuthenticatedHtmxHttpRequest, pk: int) -> HttpResponse:
    # The busiest write of the pool. Supporting checks, inserts and counts in one statement
    # (idea_support_in with the supportable ideas); only when the idea is not among them is it read,
    # to answer 404 (not visible to this person) or 403 (visible, e.g. one's own pending idea).
    withdraw = request.POST.get("action") == "withdraw"
    if can_support(request.user) and not withdraw:
        outcome = idea_support_in(supportable_ideas(), pk=pk, user=request.user)
        if outcome.found and outcome.count is not None:  # found: the count is known
            idea = Idea(pk=pk, support_count=outcome.count)  # all the fragment and the redirect need
            return _support_answer(request, idea, has_supported=True)
    idea = get_object_or_404(
        Idea.objects.visible_to(request.user).only("pk", "status", "moderation", "support_count"), pk=pk
    )
    if withdraw and can_support(request.user) and is_supportable(idea):
        idea_unsupport(idea=idea, user=request.user)
        idea.refresh_from_db(fields=["support_count"])
        return _support_answer(request, idea, has_supported=False)
    raise PermissionDenied


def _support_answer(request: HtmxHttpRequest, idea: Idea, *, has_supported: bool) -> HttpResponse:
    if not request.htmx:
        return redirect(idea)
    # The fragment needs no context processors (the header's municipality is not part of it); the
    # CSRF token for its form is passed explicitly.
    html = render_to_string(
        "ideas/_support.html",
        {"idea": idea, "has_supported": has_supported, "can_support": True, "csrf_token": get_token(request)},
    )
    return HttpResponse(html)


@login_required
@require_POST
def comment(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    idea = access_idea(request.user, pk)
    require(can_comment(request.user) and idea.is_public)
    form = CommentForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please write a comment of at most 2000 characters."))
        return redirect(idea)
    # A reply only to a comment of this idea that the person may see (not a hidden or waiting one).
    parent = access_comment(request.user, form.cleaned_data["parent"]) if form.cleaned_data["parent"] else None
    if parent is not None and parent.idea_id != idea.pk:
        raise Http404
    created = comment_add(idea=idea, author=request.user, text=form.cleaned_data["text"], parent=parent)
    if created.moderation == Moderation.PENDING:
        messages.success(request, _("Thank you! Your comment will be published after a short check."))
    return redirect(created.get_absolute_url())


def report(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    if kind not in ("idea", "comment"):
        raise Http404
    target = access_idea(request.user, pk) if kind == "idea" else access_comment(request.user, pk)
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        # The first request with this form's token claims it; a repeat (double click) only thanks.
        claim = f"ideas:report-form:{form.cleaned_data['submission']}"
        if cache.add(claim, 1, timeout=24 * 3600):
            if not allow(request, scope="report", limit=20, window_seconds=3600):
                cache.delete(claim)
                return render(request, "ideas/report_form.html", {"form": form, "target": target}, status=429)
            try:
                report_create(target=target, reason=form.cleaned_data["reason"], reporter=request.user)
            except Exception:
                cache.delete(claim)
                raise
        messages.success(request, _("Thank you. A moderator will look at your report."))
        return redirect(target.get_absolute_url())
    return render(request, "ideas/report_form.html", {"form": form, "target": target})


@login_required
def moderation_queue(request: HttpRequest) -> HttpResponse:
    require(can_moderate(request.user))
    context = {
        "ideas": Idea.objects.awaiting_moderation().select_related("author").order_by("submitted_at")[:100],
        "comments": Comment.objects.filter(moderation=Moderation.PENDING)
        .select_related("idea", "author")
        .order_by("created_at")[:100],
        "reports": Report.objects.filter(resolved_at__isnull=True).select_related("idea", "comment__idea", "reporter")[
            :100
        ],
        "hide_form": HideForm(),
    }
    return render(request, "ideas/moderation.html", context)


@login_required
@require_POST
def moderate(request: AuthenticatedHttpRequest, kind: str, pk: int) -> HttpResponse:
    require(can_moderate(request.user))
    if kind not in ("idea", "comment"):
        raise Http404
    publish = request.POST.get("action") == "publish"
    form = HideForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        if kind == "idea":
            idea_moderate(
                idea=access_idea_for_moderation(request.user, pk), publish=publish, reason=reason, by=request.user
            )
        else:
            comment_moderate(comment=get_object_or_404(Comment, pk=pk), publish=publish, reason=reason, by=request.user)
    except WorkflowError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Published.") if publish else _("Hidden. The reason is shown in its place."))
    next_url = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return redirect(next_url)
    return redirect("ideas:moderation")


@login_required
def change_status(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    idea = access_idea_for_moderation(request.user, pk)
    form = StatusChangeForm(request.POST or None, idea=idea)
    if request.method == "POST" and form.is_valid():
        try:
            idea_change_status(
                idea=idea, to_status=form.cleaned_data["to_status"], reason=form.cleaned_data["reason"], by=request.user
            )
        except WorkflowError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The status was changed and the author informed."))
            return redirect(idea)
    return render(request, "ideas/status_form.html", {"form": form, "idea": idea})


def merge_target_search(duplicate: Idea, query: str) -> tuple[list[Idea], bool]:
    """Ideas the duplicate may be merged into whose title (or number) matches every word typed, at most
    MERGE_RESULTS, and whether there are more."""
    ideas = merge_targets(duplicate)
    stems = stems_of(query)
    number = int(query) if IDEA_NUMBER.fullmatch(query) else None
    if not stems and number is None:
        return [], False
    words = Q()
    for stem in stems:
        words &= Q(search_stems__contains=stem) | Q(title__icontains=stem)
    condition = (Q(pk=number) | words) if stems and number is not None else (words if stems else Q(pk=number))
    found = list(
        ideas.filter(condition).defer(*LIST_DEFERRED).order_by("-last_activity_at", "-pk")[: MERGE_RESULTS + 1]
    )
    return found[:MERGE_RESULTS], len(found) > MERGE_RESULTS


@login_required
def merge(request: AuthenticatedHtmxHttpRequest, pk: int) -> HttpResponse:
    """Choose the idea to keep (similar ideas, or a search by title that works with and without
    JavaScript), give a reason, confirm, merge. Only moderators; only ideas that may be kept."""
    duplicate = access_idea_for_moderation(request.user, pk)
    data = request.POST if request.method == "POST" else request.GET
    query = data.get("q", "").strip()[:MERGE_QUERY_CHARS]
    form = MergeForm(request.POST or None, duplicate=duplicate)
    if duplicate.status == Idea.Status.MERGED:
        form.add_error(None, _("This idea has already been merged."))
    elif request.method == "POST" and form.is_valid():
        kept = form.cleaned_data["into"]
        if request.POST.get("confirm") != "yes":
            context = {
                "form": form,
                "idea": duplicate,
                "kept": kept,
                "query": query,
                "comments": Comment.objects.filter(idea=duplicate).count(),
                "followers": duplicate.follows.count(),
            }
            return render(request, "ideas/merge_confirm.html", context)
        try:
            kept = idea_merge(duplicate=duplicate, into=kept, reason=form.cleaned_data["reason"], by=request.user)
        except WorkflowError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Merged. Supports, comments and followers moved to this idea."))
            return redirect(kept)
    found, more = merge_target_search(duplicate, query) if query else ([], False)
    candidates = ideas_similar_to(duplicate, limit=5) if not request.htmx else []
    shown = {match.id for match in candidates}
    context = {
        "form": form,
        "idea": duplicate,
        "candidates": candidates,
        "query": query,
        "found": [idea for idea in found if idea.pk not in shown],
        "more": more,
        "chosen": str(form.data.get("into", "")),
    }
    if request.htmx:
        return render(request, "ideas/merge_form.html#found", context)
    return render(request, "ideas/merge_form.html", context)


IDEA_UPLOAD = StagedUpload("idea")


@login_required
def idea_import(request: HttpRequest) -> HttpResponse:
    """Upload → preview with every error by line → import all rows or none."""
    require(can_moderate(request.user))
    if request.method == "POST" and request.POST.get("action") == "import":
        data = IDEA_UPLOAD.read(request.session)
        if data is None:
            messages.error(request, _("The uploaded file is no longer available. Please upload it again."))
            return redirect("ideas:import")
        parsed = parse_ideas(data)
        if not parsed.ok:
            return render(request, "ideas/import.html", {"form": ImportForm(), "result": parsed})
        ideas = ideas_import(result=parsed, by=request.user)
        ideas_embed_later(ideas)
        IDEA_UPLOAD.discard(request.session)
        messages.success(request, _("%(count)d ideas were imported.") % {"count": len(ideas)})
        return redirect("ideas:list")
    form = ImportForm(request.POST or None, request.FILES or None)
    result: ImportResult | None = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data["file"].read()
        result = parse_ideas(data)
        if result.ok:
            IDEA_UPLOAD.keep(request.session, data)
    return render(request, "ideas/import.html", {"form": form, "result": result})
