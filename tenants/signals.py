"""Signals of the tenants app.

tenants provisions schemas, hostnames and groups; what goes *inside* a
unit's site (pages, the Wagtail Site) belongs to the apps that receive these.

template_schema_ready -- sent inside the template schema once it is migrated
    (and after every migrate_schemas that reaches it): fill what every unit
    starts with. cms builds the home page, the mandated sections, the Site
    and the review workflow. Idempotent receivers.
    # provides args: schema_name

unit_schema_ready -- sent inside a new unit's schema, cloned from the
    template, in the provisioning transaction (and again when a provisioned
    unit's site is brought in line): set what is the unit's own. cms points
    the Site at the unit's hostname and titles the home page.
    # provides args: unit, hostname

unit_groups_ready -- sent when a unit's editor and approver groups have
    their permissions on ``home`` (provisioning, sync_unit_groups): cms
    grants the same page rights on every language's home.
    # provides args: home, groups

unit_provisioned -- sent after a unit got its schema, hostname and site.
    # provides args: unit
"""

from django.dispatch import Signal

template_schema_ready = Signal()
unit_schema_ready = Signal()
unit_groups_ready = Signal()
unit_provisioned = Signal()
