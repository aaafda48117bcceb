"""Monthly partitions of the metric snapshot table on PostgreSQL (SQLite keeps one plain table).

Snapshots are the largest table by far and are only ever appended to and read by recent month
(dashboards read rollups), so on PostgreSQL the table is partitioned by `captured_at` month: each
month's indexes stay small for the collector's inserts, and an old month can be archived or dropped
as one table. The collector makes sure this month's and the next months' partitions exist on each
round; a row outside every monthly partition (a backfill of an old month) lands in the default
partition and is moved into its month when that month's partition is made.
"""

from __future__ import annotations

from datetime import date, datetime

from tortoise.backends.base.client import BaseDBAsyncClient

AHEAD_MONTHS = 2  # partitions made ahead of time, so no insert ever waits for one

# Made once by the migration. An advisory lock serialises the workers that call it at the same time.
PARTITION_FUNCTION = """
CREATE OR REPLACE FUNCTION metric_snapshots_month(month_start date) RETURNS void AS $$
DECLARE
    first_day date := date_trunc('month', month_start)::date;
    partition_name text := 'metric_snapshots_' || to_char(first_day, 'YYYY_MM');
    lower_bound timestamptz := first_day::timestamp AT TIME ZONE 'UTC';
    upper_bound timestamptz := (first_day + interval '1 month')::timestamp AT TIME ZONE 'UTC';
BEGIN
    IF to_regclass(partition_name) IS NOT NULL THEN
        RETURN;
    END IF;
    PERFORM pg_advisory_xact_lock(hashtext('metric_snapshots_month'));
    IF to_regclass(partition_name) IS NOT NULL THEN
        RETURN;
    END IF;
    -- Rows of this month already in the default partition move into the new one.
    CREATE TEMP TABLE metric_snapshots_moving ON COMMIT DROP AS
        SELECT * FROM metric_snapshots_default WHERE captured_at >= lower_bound AND captured_at < upper_bound;
    DELETE FROM metric_snapshots_default WHERE captured_at >= lower_bound AND captured_at < upper_bound;
    EXECUTE format('CREATE TABLE %I PARTITION OF metric_snapshots FOR VALUES FROM (%L) TO (%L)',
                   partition_name, lower_bound, upper_bound);
    INSERT INTO metric_snapshots SELECT * FROM metric_snapshots_moving;
    DROP TABLE metric_snapshots_moving;
END
$$ LANGUAGE plpgsql
"""

# The plain table becomes a partitioned one with the same columns, keys, indexes and sequence.
PARTITION_TABLE = [
    "ALTER TABLE metric_snapshots RENAME TO metric_snapshots_plain",
    "CREATE TABLE metric_snapshots (LIKE metric_snapshots_plain INCLUDING DEFAULTS INCLUDING COMMENTS)"
    " PARTITION BY RANGE (captured_at)",
    "ALTER SEQUENCE metric_snapshots_id_seq OWNED BY metric_snapshots.id",
    # A partitioned table's primary key must hold the partition column.
    "ALTER TABLE metric_snapshots ADD PRIMARY KEY (id, captured_at)",
    "ALTER TABLE metric_snapshots ADD FOREIGN KEY (share_id) REFERENCES shares (id) ON DELETE CASCADE",
    "ALTER TABLE metric_snapshots ADD FOREIGN KEY (brand_post_id) REFERENCES brand_posts (id)"
    " ON DELETE CASCADE",
    "CREATE INDEX metric_snapshots_share_captured ON metric_snapshots (share_id, captured_at)",
    "CREATE INDEX metric_snapshots_brand_captured ON metric_snapshots (brand_post_id, captured_at)",
    "CREATE TABLE metric_snapshots_default PARTITION OF metric_snapshots DEFAULT",
    PARTITION_FUNCTION,
    "INSERT INTO metric_snapshots SELECT * FROM metric_snapshots_plain",
    "DROP TABLE metric_snapshots_plain",
]


def months_from(day: date, count: int) -> list[date]:
    """The first days of `count` months starting with the month of `day`."""
    first = day.replace(day=1)
    return [date(first.year + (first.month - 1 + n) // 12, (first.month - 1 + n) % 12 + 1, 1)
            for n in range(count)]


async def ensure_partitions(connection: BaseDBAsyncClient, now: datetime, ahead: int = AHEAD_MONTHS) -> None:
    """Make the partitions of this month and the next `ahead` months (PostgreSQL; nothing elsewhere)."""
    if connection.capabilities.dialect != "postgres":
        return
    for month in months_from(now.date(), ahead + 1):
        await connection.execute_query("SELECT metric_snapshots_month($1)", [month])
