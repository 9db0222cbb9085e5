from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from django.views.i18n import set_language as django_set_language

from accounts.homes import home_url_for
from socialdomain.health import run_checks


@login_not_required
@require_GET
def landing(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect(home_url_for(request.user))
    return render(request, "landing.html")


@login_not_required
@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    checks = run_checks()
    healthy = all(check["status"] == "ok" for check in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "down", "checks": checks},
        status=200 if healthy else 503,
    )


@login_not_required
@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    response = django_set_language(request)
    if request.user.is_authenticated:
        request.user.set_language(request.POST.get("language", get_language()))
    return response


@login_not_required
@require_GET
def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "privacy.html")
