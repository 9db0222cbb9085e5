from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accounts.access import role_required
from accounts.models import Role
from municipalities.models import District
from networks.models import Organisation


@role_required(Role.PILOT_OWNER)
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    context = {
        "municipality": user.municipality,
        "districts": District.objects.visible_to(user).prefetch_related(
            "neighbourhoods"
        ),
        "organisations": Organisation.objects.visible_to(user).select_related(
            "neighbourhood"
        ),
    }
    return render(request, "pilots/home.html", context)
