#!/usr/bin/env bash
# Serve the registry with the production settings under gunicorn.
#
#   scripts/serve.sh            (make serve runs it inside scripts/with-postgres.sh)
#
# Needs DATABASE_URL. Migrates, loads the demo data when the database has nobody in it yet
# (SERVE_SEED=0: never), collects the static files (WhiteNoise serves them, compressed and with
# content-hashed names), and runs gunicorn with config.settings_production.
#
# Environment:
#   SERVE_ADDR        address to bind (default 127.0.0.1:8000)
#   WEB_CONCURRENCY   gunicorn worker processes (default 2)
#   SERVE_TLS         1 (default): HTTPS with a self-signed certificate made once under var/serve/tls/,
#                     as the production settings redirect every request to HTTPS and mark the cookies
#                     Secure. 0: plain HTTP behind a TLS-terminating proxy or load balancer, which
#                     must send X-Forwarded-Proto: https (DJANGO_SECURE_PROXY_SSL_HEADER is set so).
#   DJANGO_SECRET_KEY the signing key; default: a random key made once for this machine under
#                     var/serve/secret_key (mode 0600, never committed: var/ is ignored by git)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

say() { printf 'serve: %s\n' "$*" >&2; }
[ -n "${DATABASE_URL:-}" ] || { say "error: DATABASE_URL is not set (make serve starts a throwaway PostgreSQL)"; exit 2; }

PY=${PYTHON:-.venv/bin/python}
VAR=var/serve
mkdir -p "$VAR"
chmod 700 "$VAR"

if [ -z "${DJANGO_SECRET_KEY:-}" ]; then
    if [ ! -s "$VAR/secret_key" ]; then
        (umask 077 && "$PY" -c 'import secrets; print(secrets.token_urlsafe(64))' > "$VAR/secret_key")
    fi
    DJANGO_SECRET_KEY=$(cat "$VAR/secret_key")
fi
export DJANGO_SECRET_KEY
# The audit chain's key: the environment's, else one made once under var/serve/.
. scripts/audit-key.sh
use_audit_key "$VAR"
export DJANGO_SETTINGS_MODULE=config.settings_production
export DJANGO_ALLOWED_HOSTS=${DJANGO_ALLOWED_HOSTS:-127.0.0.1,localhost}
export DJANGO_STATIC_ROOT=${DJANGO_STATIC_ROOT:-$PWD/$VAR/static}
addr=${SERVE_ADDR:-127.0.0.1:8000}
workers=${WEB_CONCURRENCY:-2}

tls_args=()
scheme=https
if [ "${SERVE_TLS:-1}" = 1 ]; then
    if [ ! -s "$VAR/tls/cert.pem" ]; then
        mkdir -p "$VAR/tls"
        openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 825 \
            -subj "/CN=localhost" -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
            -keyout "$VAR/tls/key.pem" -out "$VAR/tls/cert.pem" 2>/dev/null
        chmod 600 "$VAR/tls/key.pem"
    fi
    tls_args=(--certfile "$VAR/tls/cert.pem" --keyfile "$VAR/tls/key.pem")
else
    export DJANGO_SECURE_PROXY_SSL_HEADER=${DJANGO_SECURE_PROXY_SSL_HEADER:-HTTP_X_FORWARDED_PROTO}
    scheme="http (behind a proxy sending X-Forwarded-Proto: https)"
fi

"$PY" manage.py migrate --noinput -v 0
if [ "${SERVE_SEED:-1}" = 1 ] && ! "$PY" manage.py shell -c \
        'import sys; from registry.models import User; sys.exit(0 if User.objects.exists() else 1)' 2>/dev/null; then
    say "an empty database: loading the demo data"
    "$PY" manage.py seed_demo
    "$PY" manage.py seed_demo --print-logins
fi
"$PY" manage.py collectstatic --noinput -v 0
say "gunicorn, $workers workers, production settings, $scheme on $addr"
exec "$PY" -m gunicorn config.wsgi --bind "$addr" --workers "$workers" --timeout "${GUNICORN_TIMEOUT:-30}" \
    --access-logfile "${SERVE_ACCESS_LOG:--}" "${tls_args[@]}"
