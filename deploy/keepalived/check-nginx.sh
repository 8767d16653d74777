#!/bin/sh
# Keepalived track script: succeeds when the LOCAL Nginx answers its /healthz with 2xx
# within one second. Run by keepalived as `script_user` (never root).
# Usage: check-nginx.sh [health-url]   (default http://127.0.0.1/healthz)
url="${1:-http://127.0.0.1/healthz}"
exec curl --silent --show-error --fail --output /dev/null \
  --noproxy '*' --connect-timeout 1 --max-time 1 "$url"
