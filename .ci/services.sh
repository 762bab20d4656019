#!/usr/bin/env bash
# Starts PostgreSQL (as the postgres user, Debian's cluster tools) and Redis on 127.0.0.1 for the
# test suites, and creates the test database. Idempotent: what already runs is left alone.
set -euo pipefail

ver=$(ls /usr/lib/postgresql | sort -V | tail -1)
if ! pg_lsclusters -h | awk -v v="$ver" '$1 == v && $2 == "main"' | grep -q .; then
  pg_createcluster "$ver" main >/dev/null
fi
if ! pg_lsclusters -h | awk -v v="$ver" '$1 == v && $2 == "main" && $4 == "online"' | grep -q .; then
  pg_ctlcluster "$ver" main start
fi
for _ in $(seq 1 30); do
  su postgres -c "pg_isready -q -h 127.0.0.1 -p 5432" && break
  sleep 1
done
# The suites connect as postgres/postgres over TCP (scram, Debian's default for 127.0.0.1).
su postgres -c "psql -q -c \"ALTER USER postgres PASSWORD 'postgres'\""
su postgres -c "psql -tAc \"SELECT 1 FROM pg_database WHERE datname = 'converse_test'\"" | grep -q 1 ||
  su postgres -c "psql -q -c 'CREATE DATABASE converse_test'"

if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  # No persistence: the suites need a bus, not a durable cache.
  redis-server --bind 127.0.0.1 --port 6379 --save '' --appendonly no --daemonize yes >/dev/null
  for _ in $(seq 1 30); do
    redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 && break
    sleep 0.2
  done
fi
echo "services: PostgreSQL $ver and Redis on 127.0.0.1"
