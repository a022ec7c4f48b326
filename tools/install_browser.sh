#!/usr/bin/env bash
# Install Debian's chromium and chromium-driver for the browser test (tests/e2e/), unless both
# /usr/bin/chromium and /usr/bin/chromedriver are already there, in which case it does nothing.
# Needs root or password-less sudo, and apt sources that carry the two packages. Exits non-zero
# when it cannot install them, and then `make browser` (and `make test`) fail too.
set -euo pipefail

CHROMIUM=/usr/bin/chromium
CHROMEDRIVER=/usr/bin/chromedriver

if [[ -x $CHROMIUM && -x $CHROMEDRIVER ]]; then
    echo "install_browser: $CHROMIUM and $CHROMEDRIVER are present; nothing to do"
    exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
    echo "install_browser: no apt-get here; install Chromium and its driver as $CHROMIUM and $CHROMEDRIVER by hand" >&2
    exit 1
fi

if [[ $(id -u) -eq 0 ]]; then
    as_root=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    as_root=(sudo -n)
else
    echo "install_browser: installing packages needs root; run: sudo $0" >&2
    exit 1
fi

export DEBIAN_FRONTEND=noninteractive
started=$SECONDS
echo "install_browser: installing chromium and chromium-driver with apt-get"
"${as_root[@]}" apt-get update -qq
"${as_root[@]}" apt-get install -y -qq --no-install-recommends chromium chromium-driver >/dev/null
if [[ ! -x $CHROMIUM || ! -x $CHROMEDRIVER ]]; then
    echo "install_browser: apt-get finished but $CHROMIUM or $CHROMEDRIVER is still missing" >&2
    exit 1
fi
# (The launcher script can complain on stderr about /dev/shm while printing its version.)
echo "install_browser: installed $("$CHROMIUM" --version 2>/dev/null) in $((SECONDS - started)) s"
