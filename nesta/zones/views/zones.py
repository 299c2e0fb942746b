from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def zone_list(request: HttpRequest) -> HttpResponse:
    return render(request, "zones/list.html", {})
