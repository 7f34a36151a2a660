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
#   PG_BIN   directory holding initdb/pg_ctl (default: newest /usr/lib/postgresql/*/bin)
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
SOCK="$WORKDIR/sock"
LOG="$WORKDIR/server.log"
STARTED=0

cleanup() {
    local rc=$?
    trap - EXIT INT TERM HUP
    if [ "$STARTED" = 1 ]; then
        as_pg "$PG_BIN/pg_ctl" -D "$DATA" -m fast -w -t 30 stop >/dev/null 2>&1 ||
            as_pg "$PG_BIN/pg_ctl" -D "$DATA" -m immediate -w -t 10 stop >/dev/null 2>&1 || true
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
fi
chmod 700 "$WORKDIR"

# --- initdb -------------------------------------------------------------------------
locale_opt=(--locale=C)
if locale -a 2>/dev/null | grep -qix 'c\.utf-\?8'; then
    locale_opt=(--locale=C.UTF-8)
fi
# The superuser is the OS user that owns the cluster: 'postgres' as root, the
# current user otherwise.
DB_USER=$PG_USER
if ! as_pg "$PG_BIN/initdb" -D "$DATA" -U "$DB_USER" --auth=trust --encoding=UTF8 \
        "${locale_opt[@]}" --no-sync >"$WORKDIR/initdb.log" 2>&1; then
    cat "$WORKDIR/initdb.log" >&2
    die "initdb failed"
fi
# --- start on a free port -------------------------------------------------------------
free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

PORT=""
for attempt in 1 2 3 4 5; do
    port=$(free_port)
    if as_pg "$PG_BIN/pg_ctl" -D "$DATA" -l "$LOG" -w -t 60 -s \
            -o "-c listen_addresses=127.0.0.1 -p $port -k $SOCK -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
            start >/dev/null 2>&1; then
        STARTED=1
        PORT=$port
        break
    fi
    # Another process may have taken the port between the probe and the bind.
    if as_pg "$PG_BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1; then
        STARTED=1
        die "the server started but did not become ready; log:$(printf '\n'; tail -n 30 "$LOG" 2>/dev/null)"
    fi
    say "could not start on port $port (attempt $attempt), retrying"
done
if [ -z "$PORT" ]; then
    tail -n 30 "$LOG" >&2 2>/dev/null || true
    die "could not start a throwaway PostgreSQL server"
fi

# pg_ctl -w already waited; double-check that it answers over TCP.
PG_ISREADY="$PG_BIN/pg_isready"
[ -x "$PG_ISREADY" ] || PG_ISREADY=$(command -v pg_isready || true)
ready=0
for _ in $(seq 1 100); do
    if [ -n "$PG_ISREADY" ]; then
        "$PG_ISREADY" -q -h 127.0.0.1 -p "$PORT" -U "$DB_USER" -d postgres && { ready=1; break; }
    else
        python3 -c 'import socket,sys; socket.create_connection(("127.0.0.1", int(sys.argv[1])), 1).close()' "$PORT" 2>/dev/null && { ready=1; break; }
    fi
    sleep 0.1
done
if [ "$ready" != 1 ]; then
    tail -n 30 "$LOG" >&2 2>/dev/null || true
    die "the throwaway server on port $PORT does not answer"
fi

export DATABASE_URL="postgres://$DB_USER@127.0.0.1:$PORT/postgres"
version=$("$PG_BIN/postgres" --version 2>/dev/null | awk '{print $3}' || true)
say "using a throwaway PostgreSQL ${version:-server} at $DATABASE_URL (data in $WORKDIR, removed afterwards)"

# Run CMD in the foreground (so it keeps the terminal, stdin and Ctrl-C) and pass
# its exit code on; the EXIT trap stops the cluster.
set +e
"$@"
rc=$?
set -e
exit "$rc"
