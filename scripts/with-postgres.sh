#!/usr/bin/env bash
# Run a command against a throw-away PostgreSQL cluster.
#
#   scripts/with-postgres.sh COMMAND [ARGS...]
#
# Why: the database-backed tests must pass on PostgreSQL (production) as well as
# SQLite, without touching any PostgreSQL the machine already runs. So we make a
# private cluster in a temporary folder, on a free loopback port, with its socket
# in that folder and `trust` auth that only listens on 127.0.0.1; run COMMAND with
# ROUNDS_TEST_DATABASE_URL pointing at it; and always stop and delete it (trap on
# exit, failures and Ctrl-C included).
#
# The server binaries come from Debian's `postgresql` package
# (/usr/lib/postgresql/<version>/bin). When they are missing the run is skipped
# with a notice, except when CI=true: there a missing PostgreSQL is an error.
# PostgreSQL refuses to run as root, so as root the cluster belongs to the
# `postgres` system user (or a `rounds-pg` user created for the purpose).
set -euo pipefail

if [[ $# -eq 0 ]]; then
    echo "usage: $0 COMMAND [ARGS...]" >&2
    exit 2
fi

log() { echo "[with-postgres] $*" >&2; }

pg_bin=""
for candidate in /usr/lib/postgresql/*/bin; do
    [[ -x "$candidate/initdb" && -x "$candidate/pg_ctl" ]] || continue
    # Keep the highest version: compare the numeric folder names.
    if [[ -z "$pg_bin" ]] || (( $(basename "$(dirname "$candidate")") > $(basename "$(dirname "$pg_bin")") )); then
        pg_bin="$candidate"
    fi
done

if [[ -z "$pg_bin" ]]; then
    if [[ "${CI:-}" == "true" ]]; then
        log "ERROR: no PostgreSQL server binaries under /usr/lib/postgresql/*/bin (install the 'postgresql' package)."
        exit 1
    fi
    log "PostgreSQL server not installed: skipping the PostgreSQL run (apt-get install postgresql)."
    exit 0
fi

# The user that owns and runs the cluster.
run_as=()
if [[ "$(id -u)" -eq 0 ]]; then
    owner=postgres
    if ! id -u "$owner" >/dev/null 2>&1; then
        owner=rounds-pg
        id -u "$owner" >/dev/null 2>&1 ||
            useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin "$owner"
    fi
    run_as=(runuser -u "$owner" --)
fi

workdir="$(mktemp -d "${TMPDIR:-/tmp}/rounds-pg.XXXXXX")"
datadir="$workdir/data"
started=0

cleanup() {
    local status=$?
    if [[ $started -eq 1 ]]; then
        "${run_as[@]}" "$pg_bin/pg_ctl" -D "$datadir" -m immediate -w stop >/dev/null 2>&1 ||
            log "warning: pg_ctl stop failed; see $workdir/server.log"
    fi
    rm -rf "$workdir"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if [[ ${#run_as[@]} -gt 0 ]]; then
    chown "$owner" "$workdir"
fi
chmod 700 "$workdir"
if ! "${run_as[@]}" test -w "$workdir"; then
    log "ERROR: user $owner cannot reach $workdir; point TMPDIR at a folder others can traverse."
    exit 1
fi

port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
superuser=rounds
database=rounds_test

log "initdb $($pg_bin/postgres --version | awk '{print $3}') in $workdir (port $port)"
"${run_as[@]}" "$pg_bin/initdb" --pgdata="$datadir" --username="$superuser" --auth=trust \
    --encoding=UTF8 --no-locale --no-sync >"$workdir/initdb.log" 2>&1 || {
    cat "$workdir/initdb.log" >&2
    exit 1
}

# Loopback only, socket in the temp folder; durability is pointless for a throw-away cluster.
server_options="-c listen_addresses=127.0.0.1 -p $port -k $workdir"
server_options+=" -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
started=1
"${run_as[@]}" "$pg_bin/pg_ctl" -D "$datadir" -o "$server_options" -l "$workdir/server.log" \
    -w -t 60 start >/dev/null || {
    cat "$workdir/server.log" >&2
    exit 1
}

"${run_as[@]}" "$pg_bin/createdb" -h 127.0.0.1 -p "$port" -U "$superuser" "$database"

export ROUNDS_TEST_DATABASE_URL="postgresql+psycopg://$superuser@127.0.0.1:$port/$database"
log "running on $ROUNDS_TEST_DATABASE_URL: $*"
# In the background so a TERM/Ctrl-C reaches us at once; we pass it on, then clean up.
"$@" &
child=$!
trap 'kill -TERM "$child" 2>/dev/null; wait "$child"; exit 130' INT
trap 'kill -TERM "$child" 2>/dev/null; wait "$child"; exit 143' TERM
wait "$child"
