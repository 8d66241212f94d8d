"""Device messages are authenticated by the HMAC of their exact bytes
(broadcast.devices.credentials)."""

from broadcast.devices import credentials


def test_messages_are_authenticated_by_the_mac_of_their_exact_bytes():
    key = credentials.new_signing_key()
    other = credentials.new_signing_key()
    assert len(key) == 64 and key != other
    payload = b'{"v":1,"kind":"ack","device":"dev-a","ts":1796160000.5,"n":7}'
    sig = credentials.mac(payload, key)
    assert credentials.check(payload, sig, key)
    assert not credentials.check(payload, sig, other)
    # Same JSON, other bytes (a number written differently): another MAC.
    assert not credentials.check(payload.replace(b".5", b".50"), sig, key)
    # The key is the 32 bytes the hex encodes, HMAC-SHA256 (doc's example).
    import hashlib
    import hmac

    assert sig == hmac.new(bytes.fromhex(key), payload, hashlib.sha256).hexdigest()
