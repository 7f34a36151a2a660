#!/usr/bin/env bash
# Run a command against PostgreSQL.
#
#   scripts/with-postgres.sh CMD [ARGS...]
#
# If DATABASE_URL is already set, CMD runs with it unchanged. Otherwise a
# throwaway cluster is created from the installed PostgreSQL binaries in a fresh
# temporary directory, listening on 127.0.0.1 on a free port (never the
# machine's own 5432 cluster), with trust authentication and durability turned
# off for speed. DATABASE_URL is exported for CMD; when CMD ends (or the script
# is interrupted) the cluster is stopped and the directory deleted. The exit
# code is CMD's.
#
# Environment:
#   PG_BIN        directory holding initdb/pg_ctl (default: newest /usr/lib/postgresql/*/bin)
#   WITH_REPLICA  1: also start a streaming replica (hot standby) of the cluster, made with
#                 pg_basebackup -R, on another free port, and export DATABASE_REPLICA_URL
#                 for CMD; it is stopped and deleted with the cluster. The replica tests
#                 (tests/scale/test_read_replica.py) need it; make test sets it.
#   PG_DATA_DIR   keep the cluster's data in this directory instead of a throwaway one:
#                 created (initdb) when empty, started, and only stopped afterwards, never
#                 deleted (make bench and make loadtest keep their datasets there, under var/).
#   PG_SERVER_OPTS  more server settings for pg_ctl -o, e.g. "-c shared_buffers=1GB".
set -euo pipefail

say() { printf 'with-postgres: %s\n' "$*" >&2; }
die() { say "error: $*"; exit 1; }

if [ $# -eq 0 ]; then
    echo "usage: $0 CMD [ARGS...]" >&2
    exit 2
fi

if [ -n "${DATABASE_URL:-}" ]; then
    # Hide a password, if the URL carries one.
    shown=$(printf '%s' "$DATABASE_URL" | sed -E 's#(://[^:/@]*):[^@]*@#\1:***@#')
    say "using the database from DATABASE_URL: $shown"
    exec "$@"
fi

# --- Locate the server binaries -------------------------------------------------
find_pg_bin() {
    if [ -n "${PG_BIN:-}" ]; then
        printf '%s\n' "$PG_BIN"
        return
    fi
    local d best=""
    # Version directories sort numerically (9.6, 10, ..., 15, 16, 17).
    best=$(for d in /usr/lib/postgresql/*/bin; do
               [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ] && printf '%s\n' "$d"
           done | sort -V | tail -n 1)
    if [ -z "$best" ] && command -v pg_config >/dev/null 2>&1; then
        d=$(pg_config --bindir 2>/dev/null || true)
        [ -n "$d" ] && [ -x "$d/initdb" ] && best=$d
    fi
    if [ -z "$best" ] && command -v initdb >/dev/null 2>&1; then
        best=$(dirname "$(command -v initdb)")
    fi
    printf '%s\n' "$best"
}

PG_BIN=$(find_pg_bin)
[ -n "$PG_BIN" ] && [ -x "$PG_BIN/initdb" ] && [ -x "$PG_BIN/pg_ctl" ] ||
    die "no PostgreSQL server binaries found (looked in /usr/lib/postgresql/*/bin); install Debian's 'postgresql' package, set PG_BIN, or set DATABASE_URL"

command -v python3 >/dev/null 2>&1 || die "python3 is needed to pick a free port"

# --- Who runs the server ----------------------------------------------------------
# initdb refuses to run as root: as root, the cluster belongs to the postgres user.
if [ "$(id -u)" = 0 ]; then
    PG_USER=postgres
    id -u "$PG_USER" >/dev/null 2>&1 || die "running as root but there is no 'postgres' system user to own the cluster"
    if command -v runuser >/dev/null 2>&1; then
        as_pg() { (cd "$WORKDIR" && runuser -u "$PG_USER" -- "$@"); }
    else
        as_pg() {
            local q
            q=$(printf '%q ' "$@")
            (cd "$WORKDIR" && su "$PG_USER" -s /bin/sh -c "$q")
        }
    fi
    TMP_PARENT=/tmp  # world-traversable, and short enough for a unix socket path
else
    PG_USER=$(id -un)
    as_pg() { (cd "$WORKDIR" && "$@"); }
    TMP_PARENT=${TMPDIR:-/tmp}
fi

WORKDIR=$(mktemp -d "$TMP_PARENT/with-postgres.XXXXXX")
DATA="$WORKDIR/data"
if [ -n "${PG_DATA_DIR:-}" ]; then
    mkdir -p "$PG_DATA_DIR"
    DATA=$(cd "$PG_DATA_DIR" && pwd)
fi
SOCK="$WORKDIR/sock"
LOG="$WORKDIR/server.log"
STARTED=0
REPLICA_DATA="$WORKDIR/replica"
REPLICA_LOG="$WORKDIR/replica.log"
REPLICA_STARTED=0

stop_server() {
    # A clean stop (a checkpoint) also before a kept data directory is left behind.
    as_pg "$PG_BIN/pg_ctl" -D "$1" -m fast -w -t 60 stop >/dev/null 2>&1 ||
        as_pg "$PG_BIN/pg_ctl" -D "$1" -m immediate -w -t 10 stop >/dev/null 2>&1 || true
}

cleanup() {
    local rc=$?
    trap - EXIT INT TERM HUP
    if [ "$REPLICA_STARTED" = 1 ]; then
        stop_server "$REPLICA_DATA"
    fi
    if [ "$STARTED" = 1 ]; then
        stop_server "$DATA"
    fi
    rm -rf -- "$WORKDIR"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

mkdir -p "$SOCK"
if [ "$PG_USER" = postgres ] && [ "$(id -u)" = 0 ]; then
    chown -R postgres: "$WORKDIR"
    if [ -n "${PG_DATA_DIR:-}" ]; then
        chown postgres: "$DATA"
    fi
fi
chmod 700 "$WORKDIR"
if [ -n "${PG_DATA_DIR:-}" ]; then
    chmod 700 "$DATA"
fi

# --- initdb -------------------------------------------------------------------------
locale_opt=(--locale=C)
if locale -a 2>/dev/null | grep -qix 'c\.utf-\?8'; then
    locale_opt=(--locale=C.UTF-8)
fi
# The superuser is the OS user that owns the cluster: 'postgres' as root, the
# current user otherwise.
DB_USER=$PG_USER
if [ -e "$DATA/PG_VERSION" ]; then
    say "reusing the cluster in $DATA"
else
    if ! as_pg "$PG_BIN/initdb" -D "$DATA" -U "$DB_USER" --auth=trust --encoding=UTF8 \
            "${locale_opt[@]}" --no-sync >"$WORKDIR/initdb.log" 2>&1; then
        cat "$WORKDIR/initdb.log" >&2
        die "initdb failed"
    fi
    # Streaming replication from 127.0.0.1 (pg_basebackup and the standby), trusted like the rest.
    as_pg sh -c "printf 'host replication all 127.0.0.1/32 trust\n' >> '$DATA/pg_hba.conf'"
fi
# --- start on a free port -------------------------------------------------------------
free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# start_server DATA LOG OPTS: start a cluster on a free port; sets PORT.
start_server() {
    local data=$1 log=$2 opts=$3 port attempt
    PORT=""
    for attempt in 1 2 3 4 5; do
        port=$(free_port)
        if as_pg "$PG_BIN/pg_ctl" -D "$data" -l "$log" -w -t 120 -s \
                -o "-c listen_addresses=127.0.0.1 -p $port -k $SOCK $opts" \
                start >/dev/null 2>&1; then
            PORT=$port
            return 0
        fi
        # Another process may have taken the port between the probe and the bind.
        if as_pg "$PG_BIN/pg_ctl" -D "$data" status >/dev/null 2>&1; then
            return 2
        fi
        say "could not start on port $port (attempt $attempt), retrying"
    done
    return 1
}

SERVER_OPTS="-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
if [ "${WITH_REPLICA:-0}" = 1 ]; then
    SERVER_OPTS="$SERVER_OPTS -c wal_level=replica -c max_wal_senders=5"
fi
SERVER_OPTS="$SERVER_OPTS ${PG_SERVER_OPTS:-}"
rc=0
start_server "$DATA" "$LOG" "$SERVER_OPTS" || rc=$?
if [ "$rc" = 2 ]; then
    STARTED=1
    die "the server started but did not become ready; log:$(printf '\n'; tail -n 30 "$LOG" 2>/dev/null)"
fi
if [ -z "$PORT" ]; then
    tail -n 30 "$LOG" >&2 2>/dev/null || true
    [ -n "${PG_DATA_DIR:-}" ] && say "the kept cluster in $DATA does not start: delete that directory to build it anew"
    die "could not start a throwaway PostgreSQL server"
fi
STARTED=1

# pg_ctl -w already waited; double-check that it answers over TCP.
PG_ISREADY="$PG_BIN/pg_isready"
[ -x "$PG_ISREADY" ] || PG_ISREADY=$(command -v pg_isready || true)
answers() {
    local port=$1 _
    for _ in $(seq 1 100); do
        if [ -n "$PG_ISREADY" ]; then
            "$PG_ISREADY" -q -h 127.0.0.1 -p "$port" -U "$DB_USER" -d postgres && return 0
        else
            python3 -c 'import socket,sys; socket.create_connection(("127.0.0.1", int(sys.argv[1])), 1).close()' "$port" 2>/dev/null && return 0
        fi
        sleep 0.1
    done
    return 1
}
if ! answers "$PORT"; then
    tail -n 30 "$LOG" >&2 2>/dev/null || true
    die "the throwaway server on port $PORT does not answer"
fi

export DATABASE_URL="postgres://$DB_USER@127.0.0.1:$PORT/postgres"
version=$("$PG_BIN/postgres" --version 2>/dev/null | awk '{print $3}' || true)
if [ -n "${PG_DATA_DIR:-}" ]; then
    say "using PostgreSQL ${version:-server} at $DATABASE_URL (data kept in $DATA)"
else
    say "using a throwaway PostgreSQL ${version:-server} at $DATABASE_URL (data in $WORKDIR, removed afterwards)"
fi

# --- the streaming replica ------------------------------------------------------------------
if [ "${WITH_REPLICA:-0}" = 1 ]; then
    # A base backup of the running cluster; -R writes standby.signal and primary_conninfo, so the
    # copy starts as a hot standby that streams the primary's WAL from then on.
    if ! as_pg "$PG_BIN/pg_basebackup" -h 127.0.0.1 -p "$PORT" -U "$DB_USER" -D "$REPLICA_DATA" \
            -R -X stream -c fast --no-sync >"$WORKDIR/basebackup.log" 2>&1; then
        cat "$WORKDIR/basebackup.log" >&2
        die "pg_basebackup of the throwaway cluster failed"
    fi
    PRIMARY_PORT=$PORT
    rc=0
    start_server "$REPLICA_DATA" "$REPLICA_LOG" "-c fsync=off -c hot_standby=on" || rc=$?
    if [ "$rc" = 2 ]; then
        REPLICA_STARTED=1
        die "the replica started but did not become ready; log:$(printf '\n'; tail -n 30 "$REPLICA_LOG" 2>/dev/null)"
    fi
    if [ -z "$PORT" ]; then
        tail -n 30 "$REPLICA_LOG" >&2 2>/dev/null || true
        die "could not start the streaming replica"
    fi
    REPLICA_STARTED=1
    REPLICA_PORT=$PORT
    PORT=$PRIMARY_PORT
    answers "$REPLICA_PORT" || die "the replica on port $REPLICA_PORT does not answer"
    in_recovery=$("$PG_BIN/psql" -X -At -h 127.0.0.1 -p "$REPLICA_PORT" -U "$DB_USER" -d postgres \
        -c 'SELECT pg_is_in_recovery()' 2>/dev/null || true)
    [ "$in_recovery" = t ] || die "the server on port $REPLICA_PORT is not a standby (pg_is_in_recovery: ${in_recovery:-no answer})"
    export DATABASE_REPLICA_URL="postgres://$DB_USER@127.0.0.1:$REPLICA_PORT/postgres"
    say "with a streaming replica at $DATABASE_REPLICA_URL"
fi

# Run CMD in the foreground (so it keeps the terminal, stdin and Ctrl-C) and pass
# its exit code on; the EXIT trap stops the cluster.
set +e
"$@"
rc=$?
set -e
exit "$rc"
