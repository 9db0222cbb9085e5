"""The shared library: published pilots of every municipality of the installation,
for all staff to read and search. It holds snapshots of text and aggregates only."""

from __future__ import annotations

import re
from uuid import UUID

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from accounts.access import role_required
from accounts.models import STAFF_ROLES
from pilots.forms import SearchForm
from pilots.models import LibraryEntry
from pilots.outcomes import MIN_PARTICIPANTS, labelled

PAGE_SIZE = 50
WORD = re.compile(r"\w+")


@role_required(*STAFF_ROLES)
def library(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET)
    entries = LibraryEntry.objects.visible_to(request.user).defer(
        "results", "search_document"
    )
    query = form.cleaned_data["q"].strip() if form.is_valid() else ""
    words = WORD.findall(query)
    if words:
        # Every word, also as the start of a longer one: "basketbal" finds
        # "basketbalclinics". Only letters and digits reach the raw query.
        raw = " & ".join(f"{word}:*" for word in words[:10])
        search = SearchQuery(raw, config="dutch", search_type="raw")
        entries = (
            entries.filter(search_document=search)
            .annotate(rank=SearchRank(F("search_document"), search))
            .order_by("-rank", "-published_at")
        )
    context = {"form": form, "query": query, "entries": entries[:PAGE_SIZE]}
    return render(request, "pilots/library.html", context)


@role_required(*STAFF_ROLES)
def library_detail(request: HttpRequest, entry_id: UUID) -> HttpResponse:
    entry = get_object_or_404(
        LibraryEntry.objects.visible_to(request.user), public_id=entry_id
    )
    context = {
        "entry": entry,
        "results": labelled(entry.results),
        "min_participants": MIN_PARTICIPANTS,
    }
    return render(request, "pilots/library_detail.html", context)
