"""The cheap path of a board's poll: answer 304 before anything else runs.

A player asks for its manifest with ``If-None-Match`` far more often than the
manifest changes (after every push and every heartbeat). When the board's
Redis hash says the token, the host and a still-fresh version all match, the
answer is a 304 without the tenant lookup, sessions or the ORM. Anything
else (no hash yet, wrong token, another host, a new version) goes down the
normal stack, which gives the full answers (401, 404, 200).
"""

import hmac
import re

from django.http import HttpResponseNotModified

from base import redis as platform_redis

from . import services

MANIFEST_PATH = re.compile(r"^/signage/api/boards/([0-9a-f-]{36})/manifest/$")


class ManifestNotModifiedMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method == "GET" and "HTTP_IF_NONE_MATCH" in request.META:
            match = MANIFEST_PATH.match(request.path_info)
            if match:
                response = self.not_modified(request, match.group(1))
                if response is not None:
                    return response
        return self.get_response(request)

    def not_modified(self, request, uid):
        try:
            token_hash, hosts, fresh, version = platform_redis.client().hmget(
                services.board_key(uid), "token", "hosts", "fresh", "version"
            )
        except Exception:  # noqa: BLE001 - Redis down: the normal path answers
            return None
        if not (token_hash and hosts and fresh and version):
            return None
        host = request.META.get("HTTP_HOST", "").rsplit(":", 1)[0].lower()
        if host not in hosts.decode().split(","):
            return None
        token = services.bearer_token(request.META.get("HTTP_AUTHORIZATION", ""))
        if not token:
            return None
        digest = services.hash_token(token)
        if not hmac.compare_digest(digest, token_hash.decode()):
            return None
        if not services.is_fresh(fresh.decode()):
            return None
        etag = f'"{version.decode()}"'
        if etag not in request.META["HTTP_IF_NONE_MATCH"]:
            return None
        response = HttpResponseNotModified()
        response["ETag"] = etag
        response["Cache-Control"] = "no-cache"
        return response
