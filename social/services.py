"""Public surface of social: queue a published page for the unit's Zalo
OA, post what is due (with retries), share links."""

import datetime as dt
import logging
from urllib.parse import quote, urlsplit

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .models import PostState, ZaloAccount, ZaloPost
from .zalo import ZaloError, ZaloOA

logger = logging.getLogger(__name__)

POSTED_KINDS = ("cms.articlepage", "cms.announcementpage")


def queue_page(unit, page):
    """A page of ``unit`` was published: one ``ZaloPost`` the first time, if
    the unit's OA is connected and posts this kind (later publications of
    the same page do not post it again). Returns the row or None."""
    from base.tasks import enqueue_on_commit
    from syndication.services import card_for

    from .tasks import post_to_zalo

    kind = page._meta.label_lower
    account = ZaloAccount.objects.filter(unit=unit, active=True).first()
    if account is None or kind not in POSTED_KINDS or not account.posts_kind(kind):
        return None
    if page.get_view_restrictions().exists():
        return None
    if ZaloPost.objects.filter(unit=unit, page_id=page.pk).exists():
        return None
    card = card_for(page)
    if card is None:
        return None
    post = ZaloPost.objects.create(
        unit=unit,
        page_id=page.pk,
        page_type=kind,
        title=card["title"][:255],
        summary=card["summary"],
        image_url=card["image_url"][:500],
        url=card["url"][:500],
        next_attempt_at=timezone.now(),
    )
    enqueue_on_commit(post_to_zalo, post.pk)
    return post


def cover_for(post):
    """The post's image, else the unit's emblem (the citizen app's icon)."""
    if post.image_url:
        return post.image_url
    if settings.ZALO_DEFAULT_COVER_URL:
        return settings.ZALO_DEFAULT_COVER_URL
    parts = urlsplit(post.url)
    return f"{parts.scheme}://{parts.netloc}/ung-dung/bieu-trung-512.png"


def retry_delay(attempts):
    return min(
        settings.ZALO_RETRY_SECONDS * 2 ** max(attempts - 1, 0), settings.ZALO_RETRY_MAX
    )


def post_one(post_id):
    """Take one post a step: create the article on the OA, then confirm its
    id. Every outcome is recorded on the row."""
    with transaction.atomic():
        post = (
            ZaloPost.objects.select_for_update(skip_locked=True)
            .filter(pk=post_id)
            .exclude(state__in=(PostState.POSTED, PostState.GAVE_UP))
            .first()
        )
        if post is None:
            return None
        account = ZaloAccount.objects.filter(unit_id=post.unit_id, active=True).first()
        post.attempts += 1
        try:
            if account is None:
                raise ZaloError("Đơn vị chưa kết nối Zalo OA.", retry=False)
            oa = ZaloOA(account)
            if not post.zalo_token:
                post.zalo_token = oa.create_article(post, cover_for(post))
                post.state = PostState.PROCESSING
            article_id = oa.verify(post.zalo_token)
        except ZaloError as exc:
            post.last_error = str(exc)[:2000]
            gave_up = not exc.retry or post.attempts >= settings.ZALO_MAX_ATTEMPTS
            post.state = PostState.GAVE_UP if gave_up else PostState.FAILED
            post.next_attempt_at = (
                None
                if gave_up
                else timezone.now() + dt.timedelta(seconds=retry_delay(post.attempts))
            )
            if account is not None:
                account.last_error = post.last_error
                account.save(update_fields=["last_error"])
            logger.warning("Zalo post %s: %s", post.pk, exc)
        else:
            if article_id:
                post.state = PostState.POSTED
                post.zalo_article_id = article_id
                post.posted_at = timezone.now()
                post.last_error = ""
                post.next_attempt_at = None
            else:  # still processing at Zalo: look again soon
                post.state = PostState.PROCESSING
                post.next_attempt_at = timezone.now() + dt.timedelta(
                    seconds=settings.ZALO_RETRY_SECONDS
                )
        post.save()
    return post


def post_due(now=None):
    """Every post waiting or failed whose time has come (beat)."""
    now = now or timezone.now()
    ids = ZaloPost.objects.filter(
        state__in=(PostState.PENDING, PostState.FAILED, PostState.PROCESSING),
        next_attempt_at__lte=now,
    ).values_list("pk", flat=True)
    return [post_one(pk) for pk in list(ids[:200])]


def share_links(url):
    """Plain links to share ``url`` on Zalo and Facebook: nothing is loaded
    from either until the reader taps one (no SDK, no iframe, no image)."""
    encoded = quote(url, safe="")
    return [
        ("Zalo", "share-zalo", f"https://sp.zalo.me/share_inline?url={encoded}"),
        (
            "Facebook",
            "share-facebook",
            f"https://www.facebook.com/sharer/sharer.php?u={encoded}",
        ),
    ]
