"""Public surface of the tenants app: provisioning and unit lookups.

A new unit is provisioned by cloning the migrated template schema
(``settings.TENANT_BASE_SCHEMA``) that already holds the home page, the
mandated sections, the Vietnamese locale and the editor/approver groups, then
fixing what is unit-specific: hostname, Site, titles and extra locales.
Cloning costs a fraction of a second; running every migration costs tens.
"""

import logging

from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone
from django_tenants.utils import (
    get_public_schema_name,
    schema_context,
    schema_exists,
    tenant_context,
)

from base.text import vietnamese_slug

from .clone import clone_schema
from .models import Domain, Unit, UnitKind
from .signals import (
    template_schema_ready,
    unit_groups_ready,
    unit_provisioned,
    unit_schema_ready,
)

logger = logging.getLogger(__name__)

PLATFORM_CODE = "000"


def template_schema_name():
    return settings.TENANT_BASE_SCHEMA


def unit_hostname(slug):
    return f"{slug}.{settings.BASE_DOMAIN}"


def schema_name_for(structure, code):
    return f"unit_{int(structure)}_{code}"


def current_unit():
    """The unit whose schema the connection is on, or None on the platform."""
    tenant = getattr(connection, "tenant", None)
    if tenant is None or getattr(tenant, "schema_name", None) in (
        None,
        get_public_schema_name(),
    ):
        return None
    return tenant if isinstance(tenant, Unit) else None


# --- the platform (public schema) ----------------------------------------------


def ensure_platform():
    """The public tenant: the platform's own site on BASE_DOMAIN."""
    platform, _ = Unit.objects.get_or_create(
        schema_name=get_public_schema_name(),
        defaults={
            "code": PLATFORM_CODE,
            "name": "Nền tảng Hệ thống thông tin cơ sở",
            "name_with_type": "Nền tảng Hệ thống thông tin cơ sở",
            "kind": UnitKind.PLATFORM,
            "slug": "nen-tang",
        },
    )
    Domain.objects.get_or_create(
        domain=settings.BASE_DOMAIN, defaults={"tenant": platform, "is_primary": True}
    )
    return platform


# --- the template schema ---------------------------------------------------------


_template_ready = False


def ensure_template_schema(verbosity=0):
    """Create, migrate and fill the template schema units are cloned from.

    Idempotent; checked once per process. Later migrations reach the
    template through migrate_schemas, which lists it beside the units.
    """
    global _template_ready
    if _template_ready:
        return
    name = template_schema_name()
    if not schema_exists(name):
        with connection.cursor() as cursor:
            cursor.execute(f'CREATE SCHEMA "{name}"')
    call_command(
        "migrate_schemas",
        schema_name=name,
        tenant=True,
        interactive=False,
        verbosity=verbosity,
    )
    with schema_context(name):
        prepare_template_content()
    _template_ready = True


def prepare_template_content():
    """What every unit starts with: the Vietnamese locale, then what the
    apps build on ``template_schema_ready`` (cms: the home page, the
    mandated sections, the Site, the groups and the review workflow).
    Runs inside the template schema; idempotent."""
    from wagtail.models import Locale

    Locale.objects.get_or_create(language_code=settings.LANGUAGE_CODE)
    template_schema_ready.send(sender=Unit, schema_name=connection.schema_name)


EDITOR_PAGE_PERMISSIONS = ["add_page", "change_page"]
APPROVER_PAGE_PERMISSIONS = EDITOR_PAGE_PERMISSIONS + [
    "publish_page",
    "lock_page",
    "unlock_page",
]
EDITOR_COLLECTION_PERMISSIONS = {
    "wagtailimages": ["add_image", "change_image", "choose_image"],
    "wagtaildocs": ["add_document", "change_document", "choose_document"],
}
# Model permissions (app_label, codename): editors keep the snippets their
# pages use and may ask for translations; the approver also reads the
# contact messages and sets the unit's theme.
EDITOR_MODEL_PERMISSIONS = [
    ("cms", "add_category"),
    ("cms", "change_category"),
    ("cms", "add_person"),
    ("cms", "change_person"),
    ("wagtail_localize", "submit_translation"),
]
APPROVER_MODEL_PERMISSIONS = EDITOR_MODEL_PERMISSIONS + [
    ("cms", "delete_category"),
    ("cms", "delete_person"),
    ("cms", "view_contactmessage"),
    ("themes", "change_themesettings"),
]
# Boards and speakers: the commune's editor keeps the content they play; the
# approver (often the same official) also runs the devices and interrupts.
EDITOR_MODEL_PERMISSIONS += [
    (app, f"{action}_{model}")
    for app, models in (
        ("signage", ("slide", "playlist", "schedule")),
        ("broadcast", ("program", "schedule")),
    )
    for model in models
    for action in ("add", "change", "view")
] + [
    ("signage", "view_board"),
    # Editors aim schedules at the unit's board groups (they see them; the
    # approver makes them and sends them commands).
    ("signage", "view_boardgroup"),
    ("broadcast", "view_speakercluster"),
    # A program that never aired may go (broadcast_admin_program_delete).
    ("broadcast", "delete_program"),
]
APPROVER_MODEL_PERMISSIONS += [
    ("signage", "change_board"),
    # Board groups of the unit: a district's or province's may hold boards of
    # the units below (signage.forms.BoardGroupForm), so its approvers address
    # the subtree's boards through them.
    ("signage", "add_boardgroup"),
    ("signage", "change_boardgroup"),
    ("signage", "delete_boardgroup"),
    ("signage", "add_interrupt"),
    ("signage", "change_interrupt"),
    ("signage", "view_interrupt"),
    ("signage", "delete_slide"),
    ("broadcast", "add_speakercluster"),
    ("broadcast", "change_speakercluster"),
    ("broadcast", "view_delivery"),
    ("broadcast", "send_emergency"),
    ("broadcast", "send_live"),
]
# Periodic reports and the unit's registries (reports/views_unit.py).
EDITOR_MODEL_PERMISSIONS += [
    ("reports", "view_periodicreport"),
    ("reports", "change_periodicreport"),
    *[
        (app, f"{action}_{model}")
        for app, model in (
            ("tenants", "hamlet"),
            ("reports", "legacystation"),
            ("reports", "propagandist"),
            ("reports", "trainingrecord"),
        )
        for action in ("add", "change", "delete", "view")
    ],
]
# Upstream CAP sources (alerts): the admin shows them in a province's admin
# only (alerts.wagtail_hooks), so only the province's approver uses these.
APPROVER_MODEL_PERMISSIONS += [
    *[
        ("alerts", f"{action}_capsource")
        for action in ("add", "change", "delete", "view")
    ],
    ("alerts", "view_capintake"),
]
# API keys of the unit's machine clients (api.wagtail_hooks): created and
# revoked by the approver; never deleted (the log keeps who used what).
APPROVER_MODEL_PERMISSIONS += [
    ("api", f"{action}_apikey") for action in ("add", "change", "view")
]
# The unit's Zalo OA connection and what was posted (social.wagtail_hooks).
APPROVER_MODEL_PERMISSIONS += [
    *[("social", f"{a}_zaloaccount") for a in ("add", "change", "view")],
    ("social", "view_zalopost"),
]
for _perm in EDITOR_MODEL_PERMISSIONS:
    if _perm not in APPROVER_MODEL_PERMISSIONS:
        APPROVER_MODEL_PERMISSIONS.append(_perm)


def ensure_unit_groups(home):
    """Editor and approver groups: the editor writes, the approver publishes."""
    from django.contrib.auth.models import Group, Permission
    from wagtail.models import (
        Collection,
        GroupCollectionPermission,
        GroupPagePermission,
    )

    access_admin = Permission.objects.get(
        content_type__app_label="wagtailadmin", codename="access_admin"
    )
    root_collection = Collection.get_first_root_node()
    groups = {}
    for group_name, page_perms, model_perms in (
        (
            settings.UNIT_EDITOR_GROUP,
            EDITOR_PAGE_PERMISSIONS,
            EDITOR_MODEL_PERMISSIONS,
        ),
        (
            settings.UNIT_APPROVER_GROUP,
            APPROVER_PAGE_PERMISSIONS,
            APPROVER_MODEL_PERMISSIONS,
        ),
    ):
        group, _ = Group.objects.get_or_create(name=group_name)
        group.permissions.add(access_admin)
        for app_label, codename in model_perms:
            group.permissions.add(
                Permission.objects.get(
                    content_type__app_label=app_label, codename=codename
                )
            )
        for codename in page_perms:
            GroupPagePermission.objects.get_or_create(
                group=group,
                page=home,
                permission=Permission.objects.get(
                    content_type__app_label="wagtailcore", codename=codename
                ),
            )
        for app_label, codenames in EDITOR_COLLECTION_PERMISSIONS.items():
            for codename in codenames:
                GroupCollectionPermission.objects.get_or_create(
                    group=group,
                    collection=root_collection,
                    permission=Permission.objects.get(
                        content_type__app_label=app_label, codename=codename
                    ),
                )
        groups[group_name] = group
    # cms gives the same page rights on every language's home.
    unit_groups_ready.send(sender=Unit, home=home, groups=groups)
    return groups


# --- units -------------------------------------------------------------------------


def unique_slug(base, code):
    slug = vietnamese_slug(base) or f"don-vi-{code}"
    if Unit.objects.filter(slug=slug).exclude(code=code).exists():
        slug = f"{slug}-{code}"
    return slug


def provision_unit(unit, *, verbosity=0):
    """Give a saved unit its schema, hostname, Site, locales and home page.

    Idempotent: a unit already provisioned only has its Site brought in line.
    Runs in one transaction: PostgreSQL DDL is transactional, so a failure
    leaves neither a schema nor a domain behind.
    """
    ensure_template_schema(verbosity=verbosity)
    hostname = unit_hostname(unit.slug)
    with transaction.atomic():
        if not schema_exists(unit.schema_name):
            clone_schema(template_schema_name(), unit.schema_name)
        Domain.objects.update_or_create(
            domain=hostname, defaults={"tenant": unit, "is_primary": True}
        )
        with tenant_context(unit):
            configure_unit_site(unit, hostname)
        unit.provisioned_at = timezone.now()
        unit.save(update_fields=["provisioned_at"])
    connection.set_schema_to_public()
    unit_provisioned.send(sender=Unit, unit=unit)
    return unit


def configure_unit_site(unit, hostname):
    """Inside the unit's schema: its locales, then what the apps set on
    ``unit_schema_ready`` (cms: the Site's hostname, the home page's title)."""
    from wagtail.models import Locale

    for language_code in unit.languages or []:
        Locale.objects.get_or_create(language_code=language_code)
    unit_schema_ready.send(sender=Unit, unit=unit, hostname=hostname)


def create_unit(
    *,
    code,
    name,
    kind,
    structure=2025,
    parent=None,
    name_with_type="",
    slug=None,
    languages=None,
    provision=True,
):
    """Register a unit and provision it (used by imports, the demo and tests)."""
    unit = Unit(
        code=code,
        name=name,
        name_with_type=name_with_type or name,
        kind=kind,
        structure=structure,
        parent=parent,
        slug=slug or unique_slug(name_with_type or name, code),
        languages=languages or [],
        schema_name=schema_name_for(structure, code),
    )
    unit.save()
    if provision:
        provision_unit(unit)
    return unit


def units_with_hostnames(queryset=None):
    """Units with their hostnames, for listings (one query for domains)."""
    queryset = queryset if queryset is not None else Unit.objects.all()
    units = list(queryset.exclude(kind=UnitKind.PLATFORM).select_related("parent"))
    hostnames = {}
    for domain in Domain.objects.filter(tenant__in=units).order_by(
        "-is_primary", "domain"
    ):
        hostnames.setdefault(domain.tenant_id, []).append(domain.domain)
    return [(unit, hostnames.get(unit.pk, [])) for unit in units]


def provisioned_units():
    """Every unit that has its schema (not the platform)."""
    return Unit.objects.exclude(schema_name=get_public_schema_name()).filter(
        provisioned_at__isnull=False
    )


def sync_site_ports(port=None):
    """Give every unit's Site the port the public reaches it on.

    Wagtail writes absolute URLs (feeds, the syndication index, links across
    units) from Site.hostname and Site.port; a demo on :8000 needs them.
    """
    from wagtail.models import Site

    port = port or settings.PUBLIC_PORT
    changed = 0
    for unit in provisioned_units():
        with tenant_context(unit):
            changed += Site.objects.exclude(port=port).update(port=port)
            Site.clear_site_root_paths_cache()
    return changed


def sync_unit_groups(units=None, progress=None):
    """Give the editor and approver groups of existing units the permissions
    of this release (provisioning copies them from the template, so a unit
    made before a change keeps the old set until this runs). Additive and
    idempotent. Returns ``{schema: permissions added}`` for units that
    changed; ``progress`` is called once per unit."""
    from django.contrib.auth.models import Permission
    from wagtail.models import GroupCollectionPermission, GroupPagePermission, Site

    def count():
        names = [settings.UNIT_EDITOR_GROUP, settings.UNIT_APPROVER_GROUP]
        return (
            Permission.objects.filter(group__name__in=names).count()
            + GroupPagePermission.objects.filter(group__name__in=names).count()
            + GroupCollectionPermission.objects.filter(group__name__in=names).count()
        )

    if units is None:
        units = provisioned_units()
    changed = {}
    for unit in units:
        if schema_exists(unit.schema_name):
            with tenant_context(unit), transaction.atomic():
                site = Site.objects.filter(is_default_site=True).first()
                if site is not None:
                    before = count()
                    ensure_unit_groups(site.root_page)
                    added = count() - before
                    if added:
                        changed[unit.schema_name] = added
        if progress:
            progress(unit)
    return changed


def hamlets_of(unit, active_only=True):
    """The hamlet registry of one unit (for forms that pick a hamlet, e.g. a
    speaker cluster's): ``tenants.Hamlet`` rows, ordered by name."""
    from .models import Hamlet

    qs = Hamlet.objects.filter(unit=unit)
    if active_only:
        qs = qs.filter(is_active=True)
    return qs.order_by("name")
