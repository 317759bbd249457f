"""The scale dataset: N assessments (100,000 by default; 5,000,000 works too) over 1,000
consultants and one admin, written with set-based SQL straight into the tables.

Consultants are rows of `users` sharing one real argon2 hash of the bench password, so any
of them can sign in; so can the admin. Consultant k of 1,000 gets assessments in proportion
to how near the front it is (the number is 1 + ⌊1000·r²⌋ for uniform r): consultant 1, the
busiest, holds about 3 % of them. Each assessment has a client name, business name and email
from bench/names.py (about 1 % of businesses are bakeries, "Bakery" or "bakery"), a status
(20 % draft, 30 % in progress, 50 % completed) with matching progress and timestamps, and a
creation time spread evenly over the last two years. Rows go in batches of `BATCH` with
INSERT ... SELECT over generate_series, with progress printed. The secondary indexes of
`assessments` (the migrations' own definitions, read from pg_indexes) are dropped for the
load and built again after it; then VACUUM ANALYZE, so that the planner and the visibility
map see the settled table autovacuum would leave, and the counters behind the admin's
totalCount, rewritten once per row loaded, are compacted as a steady pace would keep them.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from psycopg import sql

from bench.database import Database, mark, marker
from bench.names import (
    ADJECTIVES,
    BAKERIES,
    BAKERY_SHARE,
    FIRST_NAMES,
    LAST_NAMES,
    MAIL_DOMAINS,
    SUFFIXES,
    TRADES,
)
from bench.service import PASSWORD
from server.auth import Argon2PasswordHasher

DEFAULT_SCALE = 100_000
CONSULTANTS = 1_000
BATCH = 50_000
ADMIN = "admin@scale.bench.example"


def database_name(scale: int) -> str:
    return f"bench_scale_{scale}"


def consultant_email(number: int) -> str:
    return f"consultant{number:04d}@scale.bench.example"


USERS = """
INSERT INTO users (email, password_hash, role, first_name, last_name, created_at, updated_at,
                   last_login_at)
SELECT format('consultant%%s@scale.bench.example', lpad(g::text, 4, '0')), %(hash)s,
       'consultant', (%(first)s::text[])[1 + g %% cardinality(%(first)s::text[])],
       (%(last)s::text[])[1 + (g * 7) %% cardinality(%(last)s::text[])],
       now() - interval '800 days' + g * interval '17 hours', now() - g * interval '1 hour',
       now() - g * interval '1 hour'
FROM generate_series(1, %(consultants)s) AS g
UNION ALL
SELECT %(admin)s, %(hash)s, 'admin', 'Avery', 'Admin', now() - interval '900 days', now(), now()
"""

# Random draws per row first (in `r`), then names and times from them.
ASSESSMENTS = """
INSERT INTO assessments (consultant_id, client_name, client_business_name, client_email, status,
                         confidence_before, progress_percentage, started_at, completed_at,
                         created_at, updated_at)
SELECT c.id, t.first || ' ' || t.last, t.business, t.email, t.status, 1 + (r.r7 * 9)::int,
       CASE t.status WHEN 'draft' THEN 0 WHEN 'completed' THEN 100
            ELSE round((1 + r.r6 * 98)::numeric, 2) END,
       CASE WHEN t.status <> 'draft' THEN t.started END,
       CASE WHEN t.status = 'completed' THEN t.completed END,
       t.created,
       CASE t.status WHEN 'draft' THEN t.created WHEN 'completed' THEN t.completed
            ELSE t.started END
FROM (
  SELECT g, random() AS r1, random() AS r2, random() AS r3, random() AS r4, random() AS r5,
         random() AS r6, random() AS r7, random() AS r8, random() AS r9, random() AS r10
  FROM generate_series(%(low)s, %(high)s) AS g
) AS r
CROSS JOIN LATERAL (
  SELECT (%(first)s::text[])[1 + floor(r.r1 * cardinality(%(first)s::text[]))::int] AS first,
         (%(last)s::text[])[1 + floor(r.r2 * cardinality(%(last)s::text[]))::int] AS last,
         now() - r.r3 * interval '730 days' AS created
) AS p
CROSS JOIN LATERAL (
  SELECT p.first, p.last, p.created,
         CASE WHEN r.r4 < 0.2 THEN 'draft' WHEN r.r4 < 0.5 THEN 'in_progress'
              ELSE 'completed' END AS status,
         CASE WHEN r.r5 < %(bakery_share)s
              THEN p.last || ' ' || (%(bakeries)s::text[])[1 + floor(r.r8 * cardinality(
                   %(bakeries)s::text[]))::int]
              WHEN r.r5 < 0.34 THEN p.last || ' ' || (%(trades)s::text[])[1 + floor(r.r8
                   * cardinality(%(trades)s::text[]))::int]
              WHEN r.r5 < 0.67 THEN (%(adjectives)s::text[])[1 + floor(r.r9 * cardinality(
                   %(adjectives)s::text[]))::int] || ' ' || (%(trades)s::text[])[1 + floor(
                   r.r8 * cardinality(%(trades)s::text[]))::int]
              ELSE p.first || '''s ' || (%(trades)s::text[])[1 + floor(r.r8 * cardinality(
                   %(trades)s::text[]))::int] END
         || CASE WHEN r.r5 < %(bakery_share)s THEN '' ELSE (%(suffixes)s::text[])[1 + floor(
                   r.r10 * cardinality(%(suffixes)s::text[]))::int] END AS business,
         lower(regexp_replace(pg_temp.unaccent_ascii(p.first || '.' || p.last), '[^a-zA-Z.]', '',
               'g')) || r.g || '@' || (%(domains)s::text[])[1 + r.g %% cardinality(
               %(domains)s::text[])] AS email,
         least(p.created + r.r6 * interval '2 days', now()) AS started,
         least(p.created + r.r6 * interval '2 days' + r.r7 * interval '20 days', now())
             AS completed
) AS t
JOIN bench_consultants AS c ON c.number = least(%(consultants)s, 1 + floor(
     %(consultants)s * r.r9 * r.r9)::int)
"""

# translate() keeps emails ASCII without the unaccent extension; gone with the session.
UNACCENT = """
CREATE FUNCTION pg_temp.unaccent_ascii(value text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$ SELECT translate(value, 'áàâäãåçéèêëíìîïñóòôöõøúùûüýÿÁÉÍÓÚÜÑ',
  'aaaaaaceeeeiiiinoooooouuuuyyAEIOUUN') $$
"""


def _words() -> dict[str, Any]:
    return {
        "first": list(FIRST_NAMES),
        "last": list(LAST_NAMES),
        "trades": list(TRADES),
        "adjectives": list(ADJECTIVES),
        "suffixes": list(SUFFIXES),
        "bakeries": list(BAKERIES),
        "domains": list(MAIL_DOMAINS),
        "bakery_share": BAKERY_SHARE,
    }


# Indexes that no constraint owns: the load does without them and builds them afterwards.
# Their definitions wait in bench_deferred_indexes meanwhile, so that a build interrupted
# half-way still ends, next time, with the schema the migrations made.
DEFER_INDEXES = """
CREATE TABLE IF NOT EXISTS bench_deferred_indexes (name text PRIMARY KEY, definition text);
INSERT INTO bench_deferred_indexes
SELECT i.indexname, i.indexdef FROM pg_indexes AS i
WHERE i.schemaname = current_schema() AND i.tablename = 'assessments'
  AND NOT EXISTS (SELECT FROM pg_constraint AS c WHERE c.conname = i.indexname)
ON CONFLICT (name) DO NOTHING
"""


def _seed(db: Database, scale: int) -> None:
    password_hash = asyncio.run(Argon2PasswordHasher().hash(PASSWORD))
    words = _words() | {"consultants": CONSULTANTS, "admin": ADMIN, "hash": password_hash}
    started = time.monotonic()
    with db.connect() as conn:
        conn.execute("SET synchronous_commit = off")
        conn.execute("SET maintenance_work_mem = '256MB'")
        conn.execute(DEFER_INDEXES)
        deferred = conn.execute("SELECT name, definition FROM bench_deferred_indexes ORDER BY name")
        indexes = [(str(name), str(definition)) for name, definition in deferred.fetchall()]
        for name, _ in indexes:
            conn.execute(sql.SQL("DROP INDEX IF EXISTS {}").format(sql.Identifier(name)))
        conn.execute("TRUNCATE users CASCADE")
        conn.execute(USERS, words)
        conn.execute(
            "CREATE TABLE IF NOT EXISTS bench_consultants (number int PRIMARY KEY, id uuid)"
        )
        conn.execute("TRUNCATE bench_consultants")
        conn.execute(
            "INSERT INTO bench_consultants SELECT row_number() OVER (ORDER BY email), id"
            " FROM users WHERE role = 'consultant'"
        )
        conn.execute(UNACCENT)
        for low in range(1, scale + 1, BATCH):
            high = min(scale, low + BATCH - 1)
            conn.execute(ASSESSMENTS, words | {"low": low, "high": high})
            elapsed = time.monotonic() - started
            print(f"  assessments {high:,}/{scale:,} ({elapsed:.0f} s)", flush=True)
        for name, definition in indexes:
            with conn.transaction():
                conn.execute(definition)
                conn.execute("DELETE FROM bench_deferred_indexes WHERE name = %s", [name])
            elapsed = time.monotonic() - started
            print(f"  index {name} built ({elapsed:.0f} s)", flush=True)
        print("  VACUUM ANALYZE", flush=True)
        conn.execute("VACUUM ANALYZE")
        # The per-consultant counters took an update for every row loaded; compacted, they
        # are the few pages autovacuum keeps them at when rows come at the pace of work.
        conn.execute("VACUUM (FULL, ANALYZE) assessment_counts")
    print(f"scale dataset of {scale:,} ready in {time.monotonic() - started:.0f} s", flush=True)


def ensure_scale(db: Database, scale: int) -> dict[str, Any]:
    """The scale dataset in `db`, built unless its marker is there; returns who signs in."""
    details = marker(db, "scale")
    if details is None:
        _seed(db, scale)
        details = {"scale": scale, "admin": ADMIN, "consultant": consultant_email(1)}
        mark(db, "scale", details)
    return details
