from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from core.http import HtmxHttpRequest
from search.engine import run_search, suggest
from search.forms import SearchForm

PAGE_SIZE = 20
SORT_CHOICES = [("relevance", _("best match first")), ("date", _("newest first"))]


def search(request: HttpRequest) -> HttpResponse:
    """The search page; it works as a plain GET form, htmx only adds title suggestions while typing."""
    form = SearchForm(request.GET)
    form.is_valid()  # never fails: see SearchForm
    text = form.cleaned_data["q"]
    found = run_search(text=text, user=request.user, filters=form.search_filters, sort=form.order) if text else None
    page = Paginator(found.hits if found else [], PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "q": text,
        "found": found,
        "page": page,
        "results": found.results(page.object_list) if found else [],
        "sort": form.order,
        "sorts": SORT_CHOICES,
        "filters": form.search_filters,
    }
    return render(request, "search/search.html", context)


def suggestions(request: HtmxHttpRequest) -> HttpResponse:
    """Titles matching what is being typed: the list alone for htmx, a small page without JavaScript."""
    form = SearchForm(request.GET)
    form.is_valid()
    text = form.cleaned_data["q"]
    context = {"q": text, "suggestions": suggest(text=text, user=request.user) if text.strip() else []}
    if request.htmx:
        return render(request, "search/_suggestions.html", context)
    return render(request, "search/suggestions.html", context)
