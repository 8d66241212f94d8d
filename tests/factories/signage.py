"""Small factories for signage tests (boards with tokens, slides, bulletins)."""

from types import SimpleNamespace

from django.utils import timezone

from signage import services
from signage.models import Board, Playlist, Slide


def make_board(unit, *, kind="lcd", width=1920, height=1080, name=None, **extra):
    board = Board.objects.create(
        unit=unit,
        name=name or f"Bảng {kind.upper()} {width}×{height}",
        kind=kind,
        width=width,
        height=height,
        **extra,
    )
    token = services.issue_token(board)
    return board, token


def make_playlist(unit, name, *, include_auto=False, slides=(), is_default=False):
    playlist = Playlist.objects.create(
        unit=unit, name=name, include_auto=include_auto, is_default=is_default
    )
    for order, title in enumerate(slides):
        Slide.objects.create(
            playlist=playlist, title=title, body="", duration=5, sort_order=order
        )
    return playlist


def make_slide(playlist, title, body="", **extra):
    slide = Slide.objects.create(playlist=playlist, title=title, body=body, **extra)
    services.content_changed(playlist.unit_id)
    return slide


def stand_in_bulletin(pk, title, *, priority="normal", body="", valid_until=None):
    """What bulletins.signals documents a bulletin carries, nothing more."""
    return SimpleNamespace(
        pk=pk,
        title=title,
        body_text=body,
        priority=priority,
        language="vi",
        valid_from=timezone.now(),
        valid_until=valid_until,
    )


def auth(token):
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}
