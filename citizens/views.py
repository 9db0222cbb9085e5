from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accounts.access import role_required
from accounts.models import Role


@role_required(Role.RESIDENT)
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "citizens/home.html")
