"""The running totals (PlayDay, PlayMonth; 0010, 0011) count only the play
reports that passed the checks (``PlayLog.accepted``, 0013): a rejected
report is kept in the log but adds nothing to hours aired. The same trigger
functions as 0011, with that filter; the rows already there are all
accepted (the column's default), so nothing is recounted."""

from django.conf import settings
from django.db import migrations

TZ = settings.TIME_ZONE.replace("'", "")
DAY = f"(l.started_at AT TIME ZONE '{TZ}')::date"
MONTH = f"date_trunc('month', l.started_at AT TIME ZONE '{TZ}')::date"
TTS = "p.kind = 'tts'"
MINORITY = "p.language NOT IN ('', 'vi')"
SUMS = f"""count(*), sum(l.seconds),
           coalesce(sum(l.seconds) FILTER (WHERE {TTS}), 0),
           coalesce(sum(l.seconds) FILTER (WHERE {MINORITY}), 0)"""
COLUMNS = "plays, seconds, tts_seconds, minority_seconds"
ADDED = """plays = t.plays + EXCLUDED.plays,
        seconds = t.seconds + EXCLUDED.seconds,
        tts_seconds = t.tts_seconds + EXCLUDED.tts_seconds,
        minority_seconds = t.minority_seconds + EXCLUDED.minority_seconds"""


def add(table, column, expression, accepted):
    where = "WHERE l.accepted" if accepted else ""
    return f"""
    INSERT INTO {table} AS t (unit_id, {column}, {COLUMNS})
    SELECT l.unit_id, {expression}, {SUMS}
    FROM new_logs l LEFT JOIN broadcast_program p ON p.id = l.program_id
    {where}
    GROUP BY 1, 2
    ON CONFLICT (unit_id, {column}) DO UPDATE SET
        {ADDED};"""


def recount(table, column, keys, span, accepted):
    only = "AND l.accepted" if accepted else ""
    return f"""
    PERFORM 1 FROM {table} t JOIN ({keys}) k
        ON t.unit_id = k.unit_id AND t.{column} = k.key FOR UPDATE OF t;
    DELETE FROM {table} t USING ({keys}) k
        WHERE t.unit_id = k.unit_id AND t.{column} = k.key;
    INSERT INTO {table} (unit_id, {column}, {COLUMNS})
    SELECT k.unit_id, k.key, {SUMS}
    FROM ({keys}) k
    JOIN broadcast_playlog l ON l.unit_id = k.unit_id {only}
        AND l.started_at >= k.key::timestamp AT TIME ZONE '{TZ}'
        AND l.started_at < (k.key + interval '1 {span}')::timestamp
            AT TIME ZONE '{TZ}'
    LEFT JOIN broadcast_program p ON p.id = l.program_id
    GROUP BY k.unit_id, k.key;"""


DAYS = "SELECT DISTINCT unit_id, day AS key FROM unnest(units, days) AS u(unit_id, day)"
MONTHS = (
    "SELECT DISTINCT unit_id, date_trunc('month', day)::date AS key"
    " FROM unnest(units, days) AS u(unit_id, day)"
)


def functions(accepted):
    return f"""
CREATE OR REPLACE FUNCTION broadcast_playday_add() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1 FROM broadcast_program
        WHERE id IN (SELECT program_id FROM new_logs) FOR SHARE;
    {add("broadcast_playday", "day", DAY, accepted)}
    {add("broadcast_playmonth", "month", MONTH, accepted)}
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION broadcast_playday_recount(units bigint[], days date[])
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    {recount("broadcast_playday", "day", DAYS, "day", accepted)}
    {recount("broadcast_playmonth", "month", MONTHS, "month", accepted)}
END $$;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("broadcast", "0014_offline_plans_and_fm"),
    ]

    operations = [
        migrations.RunSQL(functions(accepted=True), functions(accepted=False)),
    ]
