#!/usr/bin/env bash
# The load test: 50 simulated people against gunicorn (2 workers, production settings), for 60 s
# with think time and then 60 s in a closed loop (no think time). make loadtest runs it.
#
# The database: the cached 1,000,000-document bench office when make bench has built it (under
# var/bench/), else its 10,000-document office, else the demo data in a throwaway cluster. Each
# simulated person uses a session made for one of the office's people (loadtest/sessions.py).
# Locust prints requests/s, the median, 95th and 99th percentile per page and the failures.
#
# Environment: LOADTEST_USERS (50), LOADTEST_SECONDS (60), LOADTEST_THINK ("3-10" seconds),
# WEB_CONCURRENCY (2 gunicorn workers).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
say() { printf 'loadtest: %s\n' "$*" >&2; }

PY=${PYTHON:-.venv/bin/python}
if [ -z "${DATABASE_URL:-}" ]; then
    if [ -e var/bench/pgdata/PG_VERSION ]; then
        # The bench cluster, with the memory make bench gives it (BENCH_PG_OPTS in the Makefile).
        exec env PG_DATA_DIR=var/bench/pgdata PG_SERVER_OPTS="${PG_SERVER_OPTS:-${BENCH_PG_OPTS:-}}" \
            scripts/with-postgres.sh "$0" "$@"
    fi
    exec scripts/with-postgres.sh "$0" "$@"
fi

# The biggest complete bench office in the cluster, if any.
office=$("$PY" - <<'PY'
import os, psycopg2
conn = psycopg2.connect(os.environ["DATABASE_URL"])
cur = conn.cursor()
cur.execute("SELECT datname FROM pg_database WHERE datname LIKE 'bench\\_office\\_%' "
            "AND shobj_description(oid, 'pg_database') LIKE 'registry bench office, complete%'")
names = [row[0] for row in cur.fetchall()]
for size in ("1m", "10k"):
    found = sorted(n for n in names if n.startswith(f"bench_office_{size}_"))
    if found:
        print(found[-1])
        break
PY
)
if [ -n "$office" ]; then
    export DATABASE_URL="${DATABASE_URL%/*}/$office"
    say "on the bench office $office"
    # The bench office's chain is keyed with the bench's key.
    . scripts/audit-key.sh
    use_audit_key var/bench
else
    say "no bench office built (make bench): on the demo data"
fi

mkdir -p var/loadtest
DJANGO_SECRET_KEY=$("$PY" -c 'import secrets; print(secrets.token_urlsafe(64))')
export DJANGO_SECRET_KEY DJANGO_SETTINGS_MODULE=config.settings_production
port=$("$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
SERVE_TLS=0 SERVE_ADDR=127.0.0.1:$port SERVE_ACCESS_LOG=var/loadtest/access.log \
    WEB_CONCURRENCY=${WEB_CONCURRENCY:-2} scripts/serve.sh > var/loadtest/server.log 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true' EXIT
for _ in $(seq 1 300); do
    if "$PY" -c 'import socket,sys; socket.create_connection(("127.0.0.1", int(sys.argv[1])), 1).close()' "$port" 2>/dev/null; then
        break
    fi
    kill -0 "$server" 2>/dev/null || { cat var/loadtest/server.log >&2; say "error: the server did not start"; exit 1; }
    sleep 0.2
done
say "gunicorn (${WEB_CONCURRENCY:-2} workers) on 127.0.0.1:$port"

"$PY" loadtest/sessions.py var/loadtest/sessions.json "${LOADTEST_USERS:-50}"
LOCUST=$(dirname "$PY")/locust
users=${LOADTEST_USERS:-50}
seconds=${LOADTEST_SECONDS:-60}
for variant in think closed; do
    think=${LOADTEST_THINK:-3-10}
    [ "$variant" = closed ] && think=0
    say "== $variant: $users people, ${seconds} s, think time ${think} s =="
    LOADTEST_THINK=$think LOADTEST_SESSIONS=var/loadtest/sessions.json "$LOCUST" -f loadtest/locustfile.py \
        --headless --users "$users" --spawn-rate 25 --run-time "${seconds}s" --stop-timeout 10 \
        --host "http://127.0.0.1:$port" --only-summary --csv "var/loadtest/$variant" --exit-code-on-error 0 2>&1 |
        grep -v -E '^\[.*(INFO|WARNING)/' || true
done
say "CSV files in var/loadtest/ (think_stats.csv, closed_stats.csv); server log var/loadtest/server.log"
