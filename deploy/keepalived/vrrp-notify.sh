#!/bin/sh
# Keepalived notify_fifo_script: keepalived writes one line per state change into a FIFO
# (in order, unlike per-event notify scripts) and starts this script with the FIFO's
# path as its last argument. For every line about a VRRP instance it records which
# state this node is in, atomically, in <state-dir>/vrrp-state
# ("<state> <instance> <priority> <epoch-ms>"), and appends the line to
# <state-dir>/vrrp-history. Monitoring reads vrrp-state to know which node holds the VIP.
# Usage (keepalived.conf): notify_fifo_script "<this script> <state-dir>"
set -u
state_dir="$1"
fifo="$2"
# Keep the FIFO open for the whole life of the script.
while read -r kind name state priority; do
  [ "$kind" = "INSTANCE" ] || continue
  name=$(printf '%s' "$name" | tr -d '"')
  now=$(date +%s%3N)
  printf '%s %s %s %s\n' "$state" "$name" "$priority" "$now" > "$state_dir/vrrp-state.tmp" &&
    mv -f "$state_dir/vrrp-state.tmp" "$state_dir/vrrp-state"
  printf '%s %s %s %s\n' "$now" "$name" "$state" "$priority" >> "$state_dir/vrrp-history"
done < "$fifo"
