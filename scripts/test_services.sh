#!/usr/bin/env bash
# Start the services the test tiers talk to, when they are stopped, and run the given command with their
# addresses in the environment. PostgreSQL: the local cluster, trust auth, database `test`.
set -euo pipefail

export ABSTRACTOR_TEST_POSTGRES_URL="${ABSTRACTOR_TEST_POSTGRES_URL:-postgresql://postgres@127.0.0.1:5432/test}"

postgres_ready() { pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; }
if ! postgres_ready && command -v pg_ctlcluster >/dev/null; then
  version=$(ls /etc/postgresql | sort -V | tail -n 1)
  pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
  for _ in $(seq 1 30); do postgres_ready && break; sleep 1; done
fi
postgres_ready || echo "warning: PostgreSQL is not reachable on 127.0.0.1:5432; the postgres tier will fail" >&2

exec "$@"
