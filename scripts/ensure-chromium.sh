#!/usr/bin/env bash
# The end-to-end suite drives the system Chromium (never a downloaded one). Install Debian's package when it is missing
# and we can (root with apt-get); otherwise say what to do.
set -euo pipefail
if [ -n "${CHROMIUM_PATH:-}" ] || [ -x /usr/bin/chromium ]; then exit 0; fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium
else
  echo "The e2e tests need Chromium: run 'sudo apt-get install -y chromium' (Debian/Ubuntu) or set CHROMIUM_PATH." >&2
  exit 1
fi
