"""Translations go through the unit's review like any other edit.

wagtail-localize can make a page public without the approver in three ways:

- submitting a translation of a live page publishes the copy at once
  (``WAGTAILLOCALIZE_SYNC_LIVE_STATUS_ON_TRANSLATE``, set to False in
  settings: copies are drafts);
- "Sync translated pages" with "Publish immediately" publishes every copy,
  checking only the ``submit_translation`` model permission editors hold
  (``ReviewedUpdateTranslationsView`` below: the option is offered, and
  honoured, only to a user who may publish the source and every copy);
- the translation editor's "Publish" (it checks ``can_publish`` itself).

And the approver must be able to moderate the copies: Wagtail gives page
permissions per tree, and each language's tree hangs off its own home page,
so ``grant_locale_tree_permissions`` gives the unit's groups the same rights
on every language's home as on the Vietnamese one.
"""

from django.contrib import messages
from wagtail.models import GroupPagePermission, Page
from wagtail_localize.views.update_translations import UpdateTranslationsView


def may_publish_translations(user, source):
    """Whether ``user`` may publish the source page and every existing copy."""
    instance = source.get_source_instance()
    if not isinstance(instance, Page):
        return user.has_perm(
            f"{instance._meta.app_label}.publish_{instance._meta.model_name}"
        )
    pages = [instance]
    for translation in source.translations.filter(enabled=True):
        try:
            pages.append(translation.get_target_instance())
        except Exception:  # noqa: BLE001 - not created yet: the source decides
            continue
    return all(page.permissions_for_user(user).can_publish() for page in pages)


class ReviewedUpdateTranslationsView(UpdateTranslationsView):
    """wagtail-localize's "Sync translated pages", where "Publish
    immediately" exists only for a user who may publish every page it would
    publish; for an editor the synced copies are drafts for the review."""

    def may_publish(self):
        if not hasattr(self, "_may_publish"):
            self._may_publish = may_publish_translations(self.request.user, self.object)
        return self._may_publish

    def get_form(self):
        form = super().get_form()
        if not self.may_publish():
            form.fields.pop("publish_translations", None)
        return form

    def form_valid(self, form):
        if not self.may_publish():
            if self.request.POST.get("publish_translations"):
                messages.info(
                    self.request,
                    "Bản dịch được lưu nháp; người duyệt của đơn vị sẽ xuất bản.",
                )
            form.cleaned_data["publish_translations"] = False
        return super().form_valid(form)


def grant_locale_tree_permissions(home=None):
    """Give every group with page permissions on the Vietnamese home the same
    permissions on every other language's home (so on its whole tree).
    Idempotent; returns how many permissions were added."""
    from django.conf import settings
    from wagtail.models import Locale

    if home is None:
        root = Page.get_first_root_node()
        default = Locale.objects.filter(language_code=settings.LANGUAGE_CODE).first()
        home = root.get_children().filter(locale=default).first() if root else None
    if home is None:
        return 0
    rights = list(
        GroupPagePermission.objects.filter(page=home).values_list(
            "group_id", "permission_id"
        )
    )
    added = 0
    for other in home.get_siblings(inclusive=False).filter(
        translation_key=home.translation_key
    ):
        for group_id, permission_id in rights:
            _, created = GroupPagePermission.objects.get_or_create(
                group_id=group_id, page=other, permission_id=permission_id
            )
            added += created
    return added


def locale_home_created(sender, instance, created, raw=False, **kwargs):
    """post_save of pages: a new language's home page (a copy of the home,
    right under the root) gets the unit's groups' page permissions."""
    if raw or not created or not isinstance(instance, Page) or instance.depth != 2:
        return
    grant_locale_tree_permissions()
