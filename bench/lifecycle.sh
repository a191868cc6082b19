#!/usr/bin/env bash
# Times the two lifecycle steps issue #2 names, on this machine:
#   pulse db reset --demo                      (bar: 10 s)
#   pulse up --detach, cluster stopped first   (bar: 30 s, until both servers answer)
# Prints the figures; asserts nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
pulse=.venv/bin/pulse

seconds() { local start=$EPOCHREALTIME; "$@" >/dev/null 2>&1; awk -v a="$start" -v b="$EPOCHREALTIME" 'BEGIN { print b - a }'; }

$pulse down >/dev/null 2>&1 || true
$pulse db start >/dev/null 2>&1
reset=$(seconds $pulse db reset --demo --yes)
$pulse db stop >/dev/null 2>&1
up=$(seconds $pulse up --demo --detach)
$pulse down >/dev/null 2>&1

printf '%-44s %8.2f s\n' "pulse db reset --demo" "$reset"
printf '%-44s %8.2f s\n' "pulse up --detach (from a stopped cluster)" "$up"
