#!/usr/bin/env bash
# The end-to-end suite drives the system Chromium (never a downloaded one). Install Debian's package when it is missing
# and we can (root, or passwordless sudo, with apt-get); otherwise say what to do.
set -euo pipefail
if [ -n "${CHROMIUM_PATH:-}" ] || [ -x /usr/bin/chromium ]; then exit 0; fi
if command -v apt-get >/dev/null; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium
    exit 0
  elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
    sudo apt-get update && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y chromium
    exit 0
  fi
fi
echo "The e2e tests need Chromium: run 'sudo apt-get install -y chromium' (Debian/Ubuntu) or set CHROMIUM_PATH." >&2
exit 1
