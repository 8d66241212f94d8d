"""Run anything (the test suite, a bench) as if the wall clock said
``TTCS_FAKE_NOW``, to check that nothing depends on the hour it runs at:

    TTCS_FAKE_NOW="2026-12-03T03:30:00+07:00" PYTHONPATH=tests/fake_clock \\
        .venv/bin/python -m pytest tests/integration/broadcast

Python imports this module at start-up when its folder is on PYTHONPATH.
The clock ticks from there; the first process records when it started in
``TTCS_FAKE_SINCE``, so the gunicorn and Celery processes it starts share
the same shifted clock. Only the wall clock moves (time.time, datetime.now,
date.today); time.monotonic and sleeps stay real, and so does PostgreSQL's
now(). libfaketime is not used: under it Python 3.11's time.sleep fails
with EINVAL or threading waits hang.
"""

import os

if os.environ.get("TTCS_FAKE_NOW"):
    import datetime
    import time

    import time_machine

    since = float(os.environ.setdefault("TTCS_FAKE_SINCE", repr(time.time())))
    target = datetime.datetime.fromisoformat(os.environ["TTCS_FAKE_NOW"])
    if target.tzinfo is None:
        raise SystemExit("TTCS_FAKE_NOW needs a UTC offset, e.g. +07:00")
    moment = target + datetime.timedelta(seconds=time.time() - since)
    time_machine.travel(moment, tick=True).start()
