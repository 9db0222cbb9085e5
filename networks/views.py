from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accounts.access import role_required
from accounts.models import Role, User


@role_required(Role.PARTNER)
def partner_home(request: HttpRequest) -> HttpResponse:
    organisation = request.user.organisation
    context = {
        "organisation": organisation,
        "colleagues": User.objects.filter(
            organisation_id=organisation.pk, is_active=True
        ).order_by("full_name"),
    }
    return render(request, "networks/partner_home.html", context)
