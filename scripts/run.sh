#!/usr/bin/env bash
# Start Rounds for a local try-out (what `make run` does after installing):
# upgrade the database, load the demo property on the first start, start the
# one scheduler process and the task-queue consumer beside the web server, serve
# on HOST:PORT, and stop both again when the server stops.
#
#   scripts/run.sh [VENV_DIR]      (HOST and PORT from the environment)
set -euo pipefail

venv="${1:-.venv}"
host="${HOST:-127.0.0.1}"
port="${PORT:-5000}"
rounds="$venv/bin/rounds"
instance="instance"
database="$instance/rounds.sqlite3"
demo_marker="$instance/.demo-loaded"

# Which command groups this version has (one look: every `rounds` call loads the
# whole app). `make run` must be right both before and after the demo and
# scheduler commands exist.
commands="$("$rounds" --help)"
has_command() { grep -qE "^  $1( |$)" <<<"$commands"; }

first_start=0
if [[ -z "${DATABASE_URL:-}" && ! -f "$database" ]]; then
    first_start=1
fi

echo "==> Upgrading the database (rounds db upgrade)"
"$rounds" db upgrade

if has_command demo; then
    if [[ $first_start -eq 1 || ! -f "$demo_marker" ]]; then
        echo "==> Loading the demo property (rounds demo load)"
        "$rounds" demo load
        mkdir -p "$instance"
        touch "$demo_marker"
    else
        echo "==> Demo property already loaded; its logins were printed on the first start."
        echo "    (Delete $demo_marker to load it again.)"
    fi
else
    echo "==> No 'rounds demo' command in this version: skipping the demo data."
    echo "    Create an account with: $rounds users create --username admin --name 管理员 --role admin"
fi

scheduler_pid=""
queue_pid=""
stop_scheduler() {
    if [[ -n "$scheduler_pid" ]] && kill -0 "$scheduler_pid" 2>/dev/null; then
        echo "==> Stopping the scheduler (pid $scheduler_pid)"
        kill -TERM "$scheduler_pid" 2>/dev/null || true
        wait "$scheduler_pid" 2>/dev/null || true
    fi
    # SIGINT: huey lets a running import finish (SIGTERM would interrupt it).
    if [[ -n "$queue_pid" ]] && kill -0 "$queue_pid" 2>/dev/null; then
        echo "==> Stopping the task queue (pid $queue_pid)"
        kill -INT "$queue_pid" 2>/dev/null || true
        wait "$queue_pid" 2>/dev/null || true
    fi
}
trap stop_scheduler EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if has_command scheduler; then
    echo "==> Starting the scheduler (rounds scheduler run)"
    "$rounds" scheduler run &
    scheduler_pid=$!
else
    echo "==> No 'rounds scheduler' command in this version: running without background jobs."
fi

if has_command queue; then
    echo "==> Starting the task queue (rounds queue run)"
    "$rounds" queue run &
    queue_pid=$!
fi

echo ""
echo "    Rounds is at http://$host:$port/   (Ctrl-C stops it)"
echo ""
"$rounds" run --host "$host" --port "$port"
