#!/usr/bin/env bash
# Create the project virtualenv:  scripts/make-venv.sh PYTHON VENV_DIR
#
# Why: Debian's python3 ships without `ensurepip` until python3-venv is
# installed, and `python3 -m venv` then leaves a half-made folder behind. We
# check first, install python3-venv when we are root, and otherwise print the
# exact command.
set -euo pipefail

python="${1:?usage: $0 PYTHON VENV_DIR}"
venv="${2:?usage: $0 PYTHON VENV_DIR}"

if ! command -v "$python" >/dev/null 2>&1; then
    echo "[venv] $python not found: install Python 3.11 or newer (sudo apt-get install python3)." >&2
    exit 1
fi

if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
    echo "[venv] Rounds needs Python 3.11 or newer; $python is $("$python" --version 2>&1)." >&2
    exit 1
fi

if ! "$python" -c 'import ensurepip, venv' >/dev/null 2>&1; then
    if [[ "$(id -u)" -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
        echo "[venv] installing python3-venv" >&2
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq
        apt-get install -qq -y --no-install-recommends python3-venv >/dev/null
    else
        echo "[venv] Python's venv module is missing. Install it with:" >&2
        echo "" >&2
        echo "    sudo apt-get install -y python3-venv" >&2
        echo "" >&2
        exit 1
    fi
fi

rm -rf "$venv"
"$python" -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --upgrade pip
