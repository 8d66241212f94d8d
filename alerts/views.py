"""CAP 1.2 on a unit's host: its Atom feeds and each message's XML."""

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET

from base.units import unit_or_404

from . import services
from .models import CapMessage


@require_GET
def feed(request):
    unit = unit_or_404()
    return _atom(services.feed_xml(unit))


@require_GET
def area_feed(request):
    unit = unit_or_404()
    return _atom(services.feed_xml(unit, subtree=True))


def _atom(text):
    response = HttpResponse(text, content_type="application/atom+xml; charset=utf-8")
    response["Cache-Control"] = "public, max-age=60"
    return response


@require_GET
def message(request, identifier):
    unit = unit_or_404()
    item = get_object_or_404(CapMessage, identifier=identifier)
    if not services.messages_for(unit, subtree=True).filter(pk=item.pk).exists():
        raise Http404("Không tìm thấy cảnh báo.")
    response = HttpResponse(item.xml, content_type="application/cap+xml; charset=utf-8")
    response["Cache-Control"] = "public, max-age=300"
    return response
