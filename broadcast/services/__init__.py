"""Public surface of the broadcast app.

Other apps (bulletins, reports, the demo loader) call these functions; the
admin views and the management commands do too. One module per concern:
``clusters`` (registration, credentials, config, presence), ``programs``
(speech and audio), ``dispatch`` (outbox, stop, retry, expiry),
``bulletin_requests`` (the speaker channel of bulletins), ``schedules`` and
``reports`` (hours aired, listen back).
"""

from .bulletin_requests import process_bulletin_requests, report_used
from .clusters import (
    alert_offline_clusters,
    cluster_saved,
    create_cluster,
    create_demo_clusters,
    device_provisioning,
    link_hamlets,
    offline_clusters,
    push_config,
    reset_password,
    revoke_credentials,
    rotate_credentials,
    switch_source,
)
from .dispatch import (
    EXPIRY,
    FANOUT_TOPIC,
    LIVE_STATES,
    ROW_DEVICES,
    dispatch_program,
    emergency,
    expire_overdue,
    kick_publisher,
    retry_unacknowledged,
    stop_dispatch,
    stop_program,
)
from .plans import plans_changed, send_plans, send_unit_plans
from .plays import check_report, settle_reported_plays
from .programs import (
    audio_fields,
    audio_token,
    audio_url,
    create_audio_program,
    create_tts_program,
    validation_messages,
)
from .reports import hours_aired, hours_aired_by_unit, listen_back
from .schedules import fire_due_schedules, occurrences

__all__ = [
    "EXPIRY",
    "FANOUT_TOPIC",
    "LIVE_STATES",
    "ROW_DEVICES",
    "alert_offline_clusters",
    "audio_fields",
    "audio_token",
    "audio_url",
    "check_report",
    "cluster_saved",
    "create_audio_program",
    "create_cluster",
    "create_demo_clusters",
    "create_tts_program",
    "device_provisioning",
    "dispatch_program",
    "emergency",
    "expire_overdue",
    "fire_due_schedules",
    "hours_aired",
    "hours_aired_by_unit",
    "kick_publisher",
    "link_hamlets",
    "listen_back",
    "occurrences",
    "offline_clusters",
    "plans_changed",
    "process_bulletin_requests",
    "push_config",
    "report_used",
    "reset_password",
    "retry_unacknowledged",
    "revoke_credentials",
    "rotate_credentials",
    "send_plans",
    "send_unit_plans",
    "settle_reported_plays",
    "stop_dispatch",
    "stop_program",
    "switch_source",
    "validation_messages",
]
