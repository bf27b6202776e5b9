#!/usr/bin/env bash
# Make sure the Debian packages Rounds needs are installed.
#
#   scripts/system-packages.sh run    # what serving Rounds needs
#   scripts/system-packages.sh test   # plus what the test suite needs
#
# Why a script: WeasyPrint needs Pango and HarfBuzz's subsetter (without
# libharfbuzz-subset0 it silently falls back to fontTools and a two-page Chinese
# PDF takes ~10 s instead of ~0.15 s), Chinese PDFs need a CJK font, and the
# tests read PDFs (poppler-utils), decode QR codes (zbar-tools) and run on a
# real PostgreSQL. Installed packages are checked with dpkg first, so a
# prepared machine does no apt work at all. Missing ones are installed when we
# are root; otherwise the exact `sudo apt-get install ...` is printed and we
# stop, unless ROUNDS_SKIP_SYSTEM_PACKAGES=1 says to carry on without them.
set -euo pipefail

RUN_PACKAGES=(
    libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fontconfig fonts-noto-cjk
    fonts-dejavu-core
)
# chromium-headless-shell: the browser tests' Chromium (Playwright cannot download its own
# offline, and the headless shell is ~4x faster per test than the full `chromium`).
TEST_PACKAGES=(poppler-utils zbar-tools postgresql chromium-headless-shell)

case "${1:-}" in
    run) wanted=("${RUN_PACKAGES[@]}") ;;
    test) wanted=("${RUN_PACKAGES[@]}" "${TEST_PACKAGES[@]}") ;;
    *)
        echo "usage: $0 run|test" >&2
        exit 2
        ;;
esac

if ! command -v dpkg-query >/dev/null 2>&1; then
    echo "[system-packages] not a Debian system: make sure these (or your system's equivalents)" \
        "are installed: ${wanted[*]}" >&2
    exit 0
fi

missing=()
for package in "${wanted[@]}"; do
    status="$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)"
    [[ "$status" == "install ok installed" ]] || missing+=("$package")
done

[[ ${#missing[@]} -eq 0 ]] && exit 0

install_args=(install -y --no-install-recommends "${missing[@]}")

if [[ "$(id -u)" -eq 0 ]]; then
    echo "[system-packages] installing: ${missing[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get -qq "${install_args[@]}" >/dev/null
    exit 0
fi

echo "[system-packages] missing Debian packages: ${missing[*]}" >&2
echo "[system-packages] install them with:" >&2
echo "" >&2
echo "    sudo apt-get ${install_args[*]}" >&2
echo "" >&2
if [[ "${ROUNDS_SKIP_SYSTEM_PACKAGES:-}" == "1" ]]; then
    echo "[system-packages] ROUNDS_SKIP_SYSTEM_PACKAGES=1: carrying on without them" \
        "(PDF output and some tests may fail)." >&2
    exit 0
fi
echo "[system-packages] then run make again (or set ROUNDS_SKIP_SYSTEM_PACKAGES=1 to carry on" \
    "without them)." >&2
exit 1
