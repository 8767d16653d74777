#!/usr/bin/env bash
# One-time set-up of a machine for development, tests and the local stack:
# installs the system programs the tests and `npm start` run for real (when they
# are missing), then the npm dependencies, then builds.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v redis-server >/dev/null || need+=(redis-server)
command -v redis-sentinel >/dev/null || need+=(redis-sentinel)
command -v nginx >/dev/null || need+=(nginx-light)
[ -x /usr/sbin/sshd ] || need+=(openssh-server)
command -v keepalived >/dev/null || need+=(keepalived)
command -v ip >/dev/null || need+=(iproute2)
command -v curl >/dev/null || need+=(curl)
# config-push's tests run the node-side apply script through the documented sudoers line.
command -v sudo >/dev/null || need+=(sudo)
# promtool (Debian's prometheus package) checks and unit-tests the shipped alerting rules.
command -v promtool >/dev/null || need+=(prometheus)
# The status console's browser test drives Debian's chromium (playwright-core, no bundled browser).
[ -x /usr/bin/chromium ] || need+=(chromium)

if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "setup: missing ${need[*]}: run as root or install them with your package manager" >&2
    exit 1
  fi
  echo "setup: installing ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  # Debian starts these as system services on install; the project runs its own
  # instances on free ports, so stop the system copies where an init system exists.
  for service in redis-server nginx ssh keepalived prometheus prometheus-node-exporter; do
    (command -v systemctl >/dev/null && systemctl disable --now "$service" >/dev/null 2>&1) || true
  done
fi

npm ci --no-audit --no-fund
npm run build
echo "setup: done"
