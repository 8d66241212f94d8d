"""What triggers a push: a bulletin sent with emergency or priority level
(bulletin_status_changed, already after commit), and the publication of an
announcement its unit marked "Gửi đến điện thoại" (page_published)."""

from django.dispatch import receiver
from wagtail.signals import page_published

from base.tasks import enqueue_on_commit
from bulletins.signals import bulletin_status_changed

from .services import PUSHED_PRIORITIES


@receiver(bulletin_status_changed, dispatch_uid="pwa_push_bulletin")
def on_bulletin_sent(sender, bulletin, new_status, **kwargs):
    if new_status == "sent" and bulletin.priority in PUSHED_PRIORITIES:
        from .tasks import push_bulletin

        enqueue_on_commit(push_bulletin, bulletin.pk)


@receiver(page_published, dispatch_uid="pwa_push_page")
def on_page_published(sender, instance, **kwargs):
    # Wagtail sends the specific class; only page types with the field can
    # be pushed (and the template schema has no content types to look up).
    if not hasattr(sender, "push_to_phones"):
        return
    page = instance if isinstance(instance, sender) else instance.specific
    if not page.push_to_phones:
        return
    from tenants.services import current_unit

    unit = current_unit()
    if unit is None:
        return
    from .tasks import push_page

    enqueue_on_commit(push_page, unit.pk, instance.pk)
