#!/usr/bin/env bash
# The calendar end-to-end test runs a real CalDAV server: Debian's Radicale. Install it when it is missing and we can
# (root, or passwordless sudo, with apt-get); otherwise say what to do.
set -euo pipefail
if command -v radicale >/dev/null; then exit 0; fi
if command -v apt-get >/dev/null; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y radicale
    exit 0
  elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
    sudo apt-get update && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y radicale
    exit 0
  fi
fi
echo "The calendar e2e test needs Radicale: run 'sudo apt-get install -y radicale' (Debian/Ubuntu) or 'pip install radicale'." >&2
exit 1
