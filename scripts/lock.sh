#!/usr/bin/env bash
# Refresh the lock files from pyproject.toml:  scripts/lock.sh VENV_DIR [--upgrade]
#
# Why: a plain `pip install` takes whatever is newest on the index, so one upstream
# release (WTForms dropping tuple choices, say) could break every install overnight.
# The locks pin every package, direct or not, with the hashes of its files.
#
#   requirements/test.txt        run + test extra, hashed: what `make test` installs
#   requirements/run.txt         run deps only, hashed: what `make run` installs;
#                                compiled against test.txt so both agree on versions
#   requirements/constraints.txt run.txt without hashes, for `pip install . -c ...`
#                                (pip refuses hashed constraints for a local directory)
#
# Without --upgrade, pins that still satisfy pyproject.toml stay as they are and only
# new or changed requirements are resolved; --upgrade takes the newest of everything.
# pip-compile goes through pip, so it uses the same index settings as `pip install`.
set -euo pipefail

venv="${1:?usage: $0 VENV_DIR [--upgrade]}"
shift
venv="$(cd "$venv" && pwd)"
compile=("$venv/bin/pip-compile" --quiet --generate-hashes --allow-unsafe
         --strip-extras --no-emit-index-url --no-emit-find-links "$@")

export CUSTOM_COMPILE_COMMAND="make lock"
cd "$(dirname "$0")/.."
mkdir -p requirements
"${compile[@]}" --extra test --output-file requirements/test.txt pyproject.toml
"${compile[@]}" --constraint requirements/test.txt --output-file requirements/run.txt pyproject.toml
{
    echo "# requirements/run.txt without hashes, written by scripts/lock.sh (make lock)."
    echo "# For production installs:  pip install . -c requirements/constraints.txt"
    sed -e '/^ *--hash=/d' -e 's/ \\$//' -e '/^ *#/d' requirements/run.txt
} > requirements/constraints.txt
echo "[lock] requirements/{test,run,constraints}.txt refreshed"
