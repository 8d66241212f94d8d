"""In Debian's Chromium: an HTML page planted in a unit's media folder (the
stored-XSS of a board "video") runs no script on the unit's origin, and the
Content-Security-Policy of the sites and the admin breaks none of their own
pages (no violation reported while they load)."""

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django_tenants.utils import tenant_context

from tests.utils import admin_log_in

pytestmark = pytest.mark.browser

PASSWORD = "mat-khau-dai-123"
XSS_PAGE = (
    b"<!DOCTYPE html><html><body><h1>xss</h1><script>"
    b"localStorage.setItem('pwned', 'yes'); document.title = 'pwned';"
    b"</script></body></html>"
)


@pytest.fixture
def superuser(tree, committed):
    unit = tree.commune_a1
    with tenant_context(unit):
        user = get_user_model().objects.create_superuser(
            "quantri-csp", "qt-csp@example.vn", PASSWORD
        )
    yield user
    with tenant_context(unit):
        user.delete()


def _csp_violations(page):
    seen = []
    page.on(
        "console",
        lambda msg: (
            seen.append(msg.text) if "Content Security Policy" in msg.text else None
        ),
    )
    return seen


def test_planted_web_page_in_media_runs_no_script(tree, live_site, page, committed):
    unit = tree.commune_a1
    folder = settings.MEDIA_ROOT / unit.schema_name / "signage" / "videos"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "acc-xss.html").write_bytes(XSS_PAGE)
    url = live_site.url(unit, f"/media/{unit.schema_name}/signage/videos/acc-xss.html")

    # Opening the link (as an admin clicking it in the slide list) is a
    # download, not a page of the unit's origin.
    with page.expect_download() as download:
        try:
            page.goto(url)
        except Exception:  # noqa: BLE001 - Chromium aborts the navigation
            pass
    assert download.value.suggested_filename == "acc-xss.html"
    # Even framed by a page of the origin the file is sandboxed.
    page.goto(live_site.url(unit, "/"))
    page.evaluate(
        """url => new Promise(done => {
            const frame = document.createElement('iframe');
            frame.src = url; frame.onload = () => done(); document.body.append(frame);
            setTimeout(done, 3000);
        })""",
        url,
    )
    assert page.evaluate("localStorage.getItem('pwned')") is None
    assert page.title() != "pwned"


def test_sites_and_admin_work_under_their_content_security_policy(
    tree, live_site, page, superuser
):
    unit = tree.commune_a1
    violations = _csp_violations(page)
    for path in ("/", "/tin-tuc/", "/tim-kiem/?q=thong+tin", "/hoi-dap-truc-tuyen/"):
        response = page.goto(live_site.url(unit, path))
        assert "script-src 'self'" in response.headers["content-security-policy"]
        page.wait_for_load_state("networkidle")
    admin_log_in(page, live_site.url(unit, "/admin/login/"), "quantri-csp", PASSWORD)
    for path in ("/admin/", "/admin/signage/slides/new/", "/admin/documents/"):
        page.goto(live_site.url(unit, path))
        page.wait_for_load_state("networkidle")
    # The page editor: inline panels and date pickers (Wagtail's inline code).
    page.goto(live_site.url(unit, "/admin/pages/"))
    page.wait_for_load_state("networkidle")
    assert violations == []
