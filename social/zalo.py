"""The few Zalo Official Account endpoints the platform calls, from Zalo's
public API documentation (docs/zalo.md):

- ``POST {ZALO_OAUTH_URL}`` (``https://oauth.zaloapp.com/v4/oa/access_token``):
  header ``secret_key``, form ``app_id``, ``refresh_token``,
  ``grant_type=refresh_token`` → ``access_token``, ``refresh_token`` (the old
  one is spent), ``expires_in`` seconds;
- ``POST {ZALO_OPENAPI_URL}/article/create`` (``https://openapi.zalo.me/v2.0``):
  header ``access_token``, a "normal" article (title, author, cover photo,
  description, body paragraphs) → ``data.token`` while Zalo processes it;
- ``POST {ZALO_OPENAPI_URL}/article/verify`` ``{"token": …}`` → ``data.id``,
  the article's id on the OA.

Answers carry ``error`` (0 = success) and ``message``; an expired or invalid
access token is refreshed once and the call repeated.
"""

import datetime as dt

import requests
from django.conf import settings
from django.utils import timezone

# Zalo's codes for an access token that is invalid or has expired.
TOKEN_ERRORS = {-216, -124, -220}


class ZaloError(Exception):
    """A call failed; ``retry`` says whether trying later may help."""

    def __init__(self, message, *, retry=True):
        super().__init__(message)
        self.retry = retry


class ZaloOA:
    def __init__(self, account):
        self.account = account

    def _post(self, url, **kwargs):
        try:
            response = requests.post(url, timeout=settings.ZALO_TIMEOUT, **kwargs)
        except requests.RequestException as exc:
            raise ZaloError(f"Không kết nối được Zalo: {exc}") from exc
        if response.status_code >= 500:
            raise ZaloError(f"Zalo trả lời {response.status_code}.")
        try:
            return response.json()
        except ValueError:
            raise ZaloError(
                f"Zalo trả lời không phải JSON ({response.status_code})."
            ) from None

    def refresh(self):
        """A new access token from the refresh token (stored encrypted)."""
        account = self.account
        if not (account.refresh_token and account.secret_key):
            raise ZaloError(
                "Chưa có mã làm mới (refresh token) hoặc khóa bí mật của ứng dụng: "
                "hãy kết nối lại Official Account.",
                retry=False,
            )
        data = self._post(
            settings.ZALO_OAUTH_URL,
            headers={"secret_key": account.secret_key},
            data={
                "app_id": account.app_id,
                "refresh_token": account.refresh_token,
                "grant_type": "refresh_token",
            },
        )
        if not data.get("access_token"):
            reason = data.get("error_description") or data.get("message") or data
            raise ZaloError(
                f"Zalo không cấp mã truy cập mới: {reason}. Hãy kết nối lại "
                "Official Account.",
                retry=False,
            )
        account.access_token = data["access_token"]
        if data.get("refresh_token"):
            account.refresh_token = data["refresh_token"]
        seconds = int(data.get("expires_in") or 3600)
        account.token_expires_at = timezone.now() + dt.timedelta(seconds=seconds)
        account.save(
            update_fields=[
                "access_token_encrypted",
                "refresh_token_encrypted",
                "token_expires_at",
            ]
        )

    def _fresh(self):
        account = self.account
        soon = timezone.now() + dt.timedelta(minutes=5)
        if not account.access_token or (
            account.token_expires_at and account.token_expires_at < soon
        ):
            self.refresh()

    def call(self, path, body, _again=True):
        self._fresh()
        data = self._post(
            f"{settings.ZALO_OPENAPI_URL.rstrip('/')}/{path}",
            json=body,
            headers={"access_token": self.account.access_token},
        )
        error = data.get("error", -1)
        if error in TOKEN_ERRORS and _again:
            self.refresh()
            return self.call(path, body, _again=False)
        if error != 0:
            raise ZaloError(f"Zalo báo lỗi {error}: {data.get('message', '')}")
        return data.get("data") or {}

    def create_article(self, post, cover_url):
        body = [{"type": "text", "content": post.summary or post.title}]
        body.append({"type": "text", "content": f"Xem chi tiết: {post.url}"})
        data = self.call(
            "article/create",
            {
                "type": "normal",
                "title": post.title[:150],
                "author": self.account.author[:50],
                "cover": {
                    "cover_type": "photo",
                    "photo_url": cover_url,
                    "status": "show",
                },
                "description": (post.summary or post.title)[:300],
                "body": body,
                "status": "show",
                "comment": "show",
            },
        )
        token = data.get("token")
        if not token:
            raise ZaloError("Zalo không trả về mã theo dõi bài viết.")
        return token

    def verify(self, token):
        """The article's id once Zalo has processed it, else None."""
        data = self.call("article/verify", {"token": token})
        return str(data["id"]) if data.get("id") else None
