"""gunicorn settings shared by every way the site is served
(``--config python:config.gunicorn``).

The access log writes the path without its query string (``%(U)s``, not
``%(r)s``): query strings can carry secrets (a board's token on an old
player's event stream, a citizen's rating key), and logs are read by more
people than the database.
"""

access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s "%(a)s"'
