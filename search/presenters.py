"""Turn backend hits into what templates and the API show: unit names,
links on the unit's own host, labels."""

from django.conf import settings

from tenants.models import Domain, Unit

from .services import KIND_LABELS

# Wagtail's root collection, as documents indexed before collection_label
# carried it: never a label a citizen reads.
INTERNAL_CATEGORIES = {"Root"}


def unit_directory(schemas):
    """schema -> (unit name, primary hostname) for the given schemas."""
    schemas = set(schemas)
    if not schemas:
        return {}
    units = {
        u.pk: u
        for u in Unit.objects.filter(schema_name__in=schemas).only(
            "pk", "schema_name", "name", "name_with_type"
        )
    }
    hosts = {}
    for domain in Domain.objects.filter(tenant_id__in=units).order_by(
        "-is_primary", "domain"
    ):
        hosts.setdefault(domain.tenant_id, domain.domain)
    return {
        u.schema_name: (u.name_with_type or u.name, hosts.get(pk))
        for pk, u in units.items()
    }


def absolute_url(request, hostname, url):
    """A link on the unit's host, keeping the scheme and port in use."""
    if not url or url.startswith(("http://", "https://")) or not hostname:
        return url
    port = request.get_port() if request is not None else ""
    scheme = request.scheme if request is not None else "https"
    default = {"http": "80", "https": "443"}.get(scheme)
    host = hostname if not port or port == default else f"{hostname}:{port}"
    return f"{scheme}://{host}{url}"


def present(results, request):
    """Attach unit name, absolute link and labels to hits and facets."""
    schemas = {h.schema for h in results.hits}
    schemas |= {value for value, _ in results.facets.get("schema", [])}
    directory = unit_directory(schemas)
    for hit in results.hits:
        name, host = directory.get(hit.schema, ("", None))
        hit.unit_name = name
        hit.link = absolute_url(request, host, hit.url)
        hit.kind_label = KIND_LABELS.get(hit.kind, hit.kind)
        if getattr(hit, "category", "") in INTERNAL_CATEGORIES:
            hit.category = ""
    facets = results.facets
    results.facet_list = {
        "schema": [
            (v, directory.get(v, (v, None))[0], n) for v, n in facets.get("schema", [])
        ][:30],
        "kind": [(v, KIND_LABELS.get(v, v), n) for v, n in facets.get("kind", [])],
        "category": [
            (v, v, n)
            for v, n in facets.get("category", [])
            if v and v not in INTERNAL_CATEGORIES
        ][:20],
        "year": sorted(
            [(v, str(v), n) for v, n in facets.get("year", [])], reverse=True
        ),
    }
    return results


def host_is_platform(request):
    return request.get_host().split(":")[0] == settings.BASE_DOMAIN
