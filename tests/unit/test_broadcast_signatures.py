"""Device messages are signed with a per-device key (broadcast.credentials)."""

from broadcast import credentials


def test_signatures_are_checked_per_device():
    body = {"v": 1, "device": "dev-a", "state": "received"}
    body["sig"] = credentials.sign(body, credentials.signing_key("dev-a"))
    assert credentials.verify(body, "dev-a")
    assert not credentials.verify(body, "dev-b")
    assert not credentials.verify({**body, "state": "done"}, "dev-a")
