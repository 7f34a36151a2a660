# Sourced by the scripts that run the registry with DEBUG off (make serve, make bench, make
# loadtest): production settings refuse to start without the audit chain's HMAC key, which is
# kept outside the database.
#
#   use_audit_key DIR    when neither REGISTRY_AUDIT_KEYS nor REGISTRY_AUDIT_KEY_FILE is set,
#                        export REGISTRY_AUDIT_KEY_FILE=DIR/audit_key, a random key made once
#                        there (mode 0600; var/ is never committed). A deployment sets its own.
use_audit_key() {
    local dir=$1 py=${PYTHON:-.venv/bin/python}
    if [ -n "${REGISTRY_AUDIT_KEYS:-}" ] || [ -n "${REGISTRY_AUDIT_KEY_FILE:-}" ]; then
        return 0
    fi
    mkdir -p "$dir"
    if [ ! -s "$dir/audit_key" ]; then
        (umask 077 && "$py" -c 'import sys; from config.audit_chain import new_key_line; sys.stdout.write(new_key_line("local"))' \
            > "$dir/audit_key")
    fi
    REGISTRY_AUDIT_KEY_FILE="$(cd "$dir" && pwd)/audit_key"
    export REGISTRY_AUDIT_KEY_FILE
}
