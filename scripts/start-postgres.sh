#!/usr/bin/env bash
# Starts a throwaway PostgreSQL 15 on 127.0.0.1:${KEFU_PG_PORT:-55432} for the tests and prints
# the URL to export as KEFU_TEST_POSTGRES_URL. Installs the server from Debian if it is missing.
# The tests' server runs without fsync; benchmarks want a durable one elsewhere:
#   KEFU_PG_PORT=55433 KEFU_PG_DIR=/tmp/kefu-pg-bench KEFU_PG_FSYNC=on scripts/start-postgres.sh
set -euo pipefail
port=${KEFU_PG_PORT:-55432}
dir=${KEFU_PG_DIR:-/tmp/kefu-pg}
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq postgresql >&2
  bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
fi
run_as_postgres() {
  if [ "$(id -u)" = 0 ]; then su postgres -s /bin/bash -c "$*"; else bash -c "$*"; fi
}
if ! run_as_postgres "$bin/pg_ctl -D $dir status" >/dev/null 2>&1; then
  rm -rf "$dir"
  mkdir -p "$dir"
  [ "$(id -u)" = 0 ] && chown postgres "$dir"
  run_as_postgres "$bin/initdb -D $dir -U postgres --auth=trust -E UTF8 --locale=C.UTF-8" >&2
  run_as_postgres "$bin/pg_ctl -D $dir -l $dir/log -o '-p $port -k /tmp -c listen_addresses=127.0.0.1 -c fsync=${KEFU_PG_FSYNC:-off}' -w start" >&2
fi
psql -h 127.0.0.1 -p "$port" -U postgres -tAc "SELECT 1 FROM pg_roles WHERE rolname='kefu'" | grep -q 1 \
  || psql -h 127.0.0.1 -p "$port" -U postgres -qc "CREATE ROLE kefu LOGIN CREATEDB PASSWORD 'kefu'" >&2
psql -h 127.0.0.1 -p "$port" -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname='kefu_test'" | grep -q 1 \
  || psql -h 127.0.0.1 -p "$port" -U postgres -qc "CREATE DATABASE kefu_test OWNER kefu" >&2
echo "postgres://kefu:kefu@127.0.0.1:$port/kefu_test"
