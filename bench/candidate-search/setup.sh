#!/usr/bin/env bash
# Creates the candidate-search benchmark database next to a running local stack: a database
# `bench_search` with the schema of the stack's `postgres` database (schema-only dump, so the
# stack keeps running), filled by generate.sql (about a minute on 2 cores).
#
#   DB_PORT=54422 bash bench/candidate-search/setup.sh          # create + generate
#   DB_PORT=54422 bash bench/candidate-search/setup.sh --drop   # drop it
set -euo pipefail
cd "$(dirname "$0")"
export PGPASSWORD="${PGPASSWORD:-postgres}"
PG=(-h "${DB_HOST:-127.0.0.1}" -p "${DB_PORT:-54322}" -U postgres)
DB="${BENCH_DB:-bench_search}"

psql "${PG[@]}" -d postgres -v ON_ERROR_STOP=1 -qc "drop database if exists \"$DB\""
[[ "${1:-}" == "--drop" ]] && exit 0
psql "${PG[@]}" -d postgres -v ON_ERROR_STOP=1 -qc "create database \"$DB\" template template0"
psql "${PG[@]}" -d postgres -v ON_ERROR_STOP=1 -qc "alter database \"$DB\" set search_path = \"\$user\", public, extensions"
pg_dump "${PG[@]}" -d postgres --schema-only --no-publications \
  | grep -v -e 'EXTENSION IF NOT EXISTS pg_cron' -e 'COMMENT ON EXTENSION pg_cron' \
  | psql "${PG[@]}" -d "$DB" -v ON_ERROR_STOP=1 -q >/dev/null
time psql "${PG[@]}" -d "$DB" -v ON_ERROR_STOP=1 -f generate.sql
