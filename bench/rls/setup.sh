#!/usr/bin/env bash
# Creates the RLS benchmark database (bench/README.md, "RLS: sequences list and pipeline
# counts") next to a running local stack: a database `bench` with the schema of the stack's
# `postgres` database — platform (packages/local-supabase/sql) and every migration — copied by a schema-only
# dump, so the stack may keep running. pg_cron is left out: it lives only in `postgres`
# (cron.database_name). Then generate.sql fills it (several minutes on 2 cores).
#
#   DB_PORT=63322 bash bench/rls/setup.sh            # create + generate
#   DB_PORT=63322 bash bench/rls/setup.sh --drop     # drop the bench database
set -euo pipefail
cd "$(dirname "$0")"
export PGPASSWORD="${PGPASSWORD:-postgres}"
PG=(-h "${DB_HOST:-127.0.0.1}" -p "${DB_PORT:-54322}" -U postgres)
DB="${BENCH_DB:-bench}"

if [[ "${1:-}" == "--drop" ]]; then
  psql "${PG[@]}" -d postgres -v ON_ERROR_STOP=1 -qc "drop database if exists \"$DB\""
  exit 0
fi

psql "${PG[@]}" -d postgres -v ON_ERROR_STOP=1 -qc "create database \"$DB\" template template0"
# The stack's database carries this setting (packages/local-supabase/lib/pg-cluster.js sets it cluster-wide too).
psql "${PG[@]}" -d postgres -v ON_ERROR_STOP=1 -qc "alter database \"$DB\" set search_path = \"\$user\", public, extensions"
pg_dump "${PG[@]}" -d postgres --schema-only --no-publications \
  | grep -v -e 'EXTENSION IF NOT EXISTS pg_cron' -e 'COMMENT ON EXTENSION pg_cron' \
  | psql "${PG[@]}" -d "$DB" -v ON_ERROR_STOP=1 -q >/dev/null
time psql "${PG[@]}" -d "$DB" -v ON_ERROR_STOP=1 -f generate.sql
