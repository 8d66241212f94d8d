"""Icecast (Debian's ``icecast2``) as the platform runs it: the server that
carries live and relayed streams to the clusters.

One configuration, written by ``manage.py broadcast_icecast_config`` for
``make run`` (scripts/services.py), by the tests (tests/icecast.py) and in
the compose file: sources (the streamer's ffmpeg) authenticate with
``ICECAST_SOURCE_PASSWORD``; every listener of every mount is checked by
Icecast's URL authentication, a ``listener_add`` POST to the platform's
``/_icecast/auth/`` (``views.icecast_auth``), which accepts the stream
token of the device's URL while that stream is on the air.
"""

from xml.sax.saxutils import escape


def icecast_config(
    *,
    port,
    source_password,
    admin_password,
    auth_url,
    log_dir,
    bind="127.0.0.1",
    hostname="localhost",
    user=None,
    group=None,
    clients=10000,
    sources=50,
):
    """The icecast.xml text. ``user``/``group``: the account Icecast drops
    to when started as root (it refuses to run as root otherwise)."""
    security = ""
    if user:
        owner = f"<user>{escape(user)}</user><group>{escape(group or user)}</group>"
        security = f"<changeowner>{owner}</changeowner>"
    return f"""<icecast>
  <location>TTCS</location>
  <admin>root@localhost</admin>
  <limits>
    <clients>{clients}</clients>
    <sources>{sources}</sources>
    <queue-size>524288</queue-size>
    <client-timeout>30</client-timeout>
    <header-timeout>15</header-timeout>
    <source-timeout>10</source-timeout>
    <!-- a device that connects gets this much already encoded audio at
         once: it starts playing without waiting for the encoder -->
    <burst-on-connect>1</burst-on-connect>
    <burst-size>16384</burst-size>
  </limits>
  <authentication>
    <source-password>{escape(source_password)}</source-password>
    <relay-password>{escape(source_password)}</relay-password>
    <admin-user>admin</admin-user>
    <admin-password>{escape(admin_password)}</admin-password>
  </authentication>
  <hostname>{escape(hostname)}</hostname>
  <listen-socket>
    <port>{int(port)}</port>
    <bind-address>{escape(bind)}</bind-address>
  </listen-socket>
  <mount type="default">
    <public>0</public>
    <authentication type="url">
      <option name="listener_add" value="{escape(auth_url)}"/>
      <option name="auth_header" value="icecast-auth-user: 1"/>
      <option name="timeout" value="5"/>
    </authentication>
  </mount>
  <fileserve>1</fileserve>
  <paths>
    <basedir>/usr/share/icecast2</basedir>
    <logdir>{escape(str(log_dir))}</logdir>
    <webroot>/usr/share/icecast2/web</webroot>
    <adminroot>/usr/share/icecast2/admin</adminroot>
    <alias source="/" destination="/status.xsl"/>
  </paths>
  <logging>
    <accesslog>access.log</accesslog>
    <errorlog>error.log</errorlog>
    <loglevel>2</loglevel>
  </logging>
  <security>
    <chroot>0</chroot>
    {security}
  </security>
</icecast>
"""


def source_url(icecast_url, password, mount):
    """ffmpeg's output URL for ``mount`` on the server at ``icecast_url``."""
    from urllib.parse import quote, urlsplit

    parts = urlsplit(icecast_url)
    host = parts.hostname or "127.0.0.1"
    port = parts.port or 8000
    return f"icecast://source:{quote(password, safe='')}@{host}:{port}{mount}"


def mounts(icecast_url, admin_password, timeout=2):
    """The mounts that have a source now (``/admin/listmounts``; every
    other page of this Icecast is behind the listener check)."""
    import base64
    import urllib.request
    from xml.etree import ElementTree

    request = urllib.request.Request(icecast_url.rstrip("/") + "/admin/listmounts")
    login = base64.b64encode(f"admin:{admin_password}".encode()).decode()
    request.add_header("Authorization", f"Basic {login}")
    with urllib.request.urlopen(request, timeout=timeout) as response:
        tree = ElementTree.fromstring(response.read())
    return {source.get("mount") for source in tree.iter("source")}
