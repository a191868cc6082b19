#!/usr/bin/env bash
# Every benchmark, one after the other. Each prints its own figures.
set -euo pipefail
cd "$(dirname "$0")"
for bench in lifecycle.sh rls.sh workflow.sh; do
  echo "== $bench"
  "./$bench"
done
