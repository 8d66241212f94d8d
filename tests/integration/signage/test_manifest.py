"""A board pulls its manifest: ETag/304, files with hashes, bad tokens."""

import hashlib
import json

import pytest
from django.conf import settings

from signage import services
from tests.factories.signage import auth, make_board, make_playlist, make_slide

pytestmark = pytest.mark.django_db

MANIFEST = "/signage/api/boards/{}/manifest/"


def test_manifest_then_304_then_new_version_after_a_change(tree, client_for):
    unit = tree.commune_a1
    board, token = make_board(unit)
    playlist = services.default_playlist(unit)
    make_slide(playlist, "Lịch tiêm chủng tháng Mười", "Tại trạm y tế xã.")
    client = client_for(unit)

    first = client.get(MANIFEST.format(board.uid), **auth(token))
    assert first.status_code == 200
    etag = first["ETag"]
    manifest = json.loads(first.content)
    assert manifest["version"] in etag
    titles = [s["title"] for s in manifest["slides"].values()]
    assert "Lịch tiêm chủng tháng Mười" in titles
    assert manifest["segments"] and manifest["segments"][0]["slides"]
    assert manifest["board"]["width"] == 1920

    again = client.get(
        MANIFEST.format(board.uid), HTTP_IF_NONE_MATCH=etag, **auth(token)
    )
    assert again.status_code == 304
    assert again.content == b""

    make_slide(playlist, "Họp dân ấp Phú Hòa")
    changed = client.get(
        MANIFEST.format(board.uid), HTTP_IF_NONE_MATCH=etag, **auth(token)
    )
    assert changed.status_code == 200
    assert changed["ETag"] != etag
    titles = [s["title"] for s in json.loads(changed.content)["slides"].values()]
    assert "Họp dân ấp Phú Hòa" in titles


def test_required_files_cover_48_hours_with_sha256_and_size(tree, client_for):
    unit = tree.commune_a1
    board, token = make_board(unit, kind="led", width=192, height=96)
    make_slide(services.default_playlist(unit), "Cấm đốt rơm rạ")
    response = client_for(unit).get(MANIFEST.format(board.uid), **auth(token))
    manifest = json.loads(response.content)
    assert manifest["segments"][-1]["until"] == manifest["window"]["until"]
    assert manifest["files"]
    schema = unit.schema_name
    for item in manifest["files"]:
        name = item["url"].rsplit("/", 1)[1]
        path = settings.MEDIA_ROOT / schema / "signage" / "render" / name
        data = path.read_bytes()
        assert item["size"] == len(data)
        assert item["sha256"] == hashlib.sha256(data).hexdigest()
        served = client_for(unit).get(item["url"])
        assert served.status_code == 200
        assert b"".join(served.streaming_content) == data


def test_missing_or_wrong_token_is_401_and_leaks_nothing(tree, client_for):
    unit = tree.commune_a1
    board, token = make_board(unit, name="Bảng bí mật chợ Phú Hòa")
    make_slide(services.default_playlist(unit), "Nội dung riêng của bảng")
    client = client_for(unit)
    for headers in ({}, auth("sai-" + token), {"HTTP_AUTHORIZATION": "Basic abc"}):
        response = client.get(MANIFEST.format(board.uid), **headers)
        assert response.status_code == 401
        body = response.content.decode()
        assert "Bảng bí mật" not in body and "Nội dung riêng" not in body
        assert "ETag" not in response


def test_unknown_board_and_other_units_board_are_404(tree, client_for):
    board, token = make_board(tree.commune_a1)
    other = client_for(tree.commune_a2)
    assert other.get(MANIFEST.format(board.uid), **auth(token)).status_code == 404
    unknown = "00000000-0000-4000-8000-000000000000"
    here = client_for(tree.commune_a1)
    assert here.get(MANIFEST.format(unknown), **auth(token)).status_code == 404
    assert here.get(MANIFEST.format("khong-phai-uuid")).status_code == 404


def test_slide_images_of_one_unit_are_not_served_on_another(tree, client_for):
    unit = tree.commune_a1
    board, token = make_board(unit)
    make_slide(services.default_playlist(unit), "Chỉ của xã An Bình")
    manifest = json.loads(
        client_for(unit).get(MANIFEST.format(board.uid), **auth(token)).content
    )
    url = manifest["files"][0]["url"]
    assert client_for(unit).get(url).status_code == 200
    assert client_for(tree.commune_a2).get(url).status_code == 404


def test_playlists_of_one_unit_never_reach_another_units_board(tree, client_for):
    board_a, token_a = make_board(tree.commune_a1)
    board_b, token_b = make_board(tree.commune_a2)
    make_slide(services.default_playlist(tree.commune_a1), "Tin riêng xã An Bình")
    make_playlist(tree.commune_a2, "Khác", slides=["Tin xã An Hòa"])
    body_b = client_for(tree.commune_a2).get(
        MANIFEST.format(board_b.uid), **auth(token_b)
    )
    assert "Tin riêng xã An Bình" not in body_b.content.decode()


def test_fast_304_path_still_checks_token_and_host(tree, client_for):
    unit = tree.commune_a1
    board, token = make_board(unit)
    client = client_for(unit)
    etag = client.get(MANIFEST.format(board.uid), **auth(token))["ETag"]
    url = MANIFEST.format(board.uid)
    assert client.get(url, HTTP_IF_NONE_MATCH=etag, **auth(token)).status_code == 304
    wrong = client.get(url, HTTP_IF_NONE_MATCH=etag, **auth("sai"))
    assert wrong.status_code == 401
    elsewhere = client_for(tree.commune_a2).get(
        url, HTTP_IF_NONE_MATCH=etag, **auth(token)
    )
    assert elsewhere.status_code == 404
