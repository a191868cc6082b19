# Sourced by the benches: psql without noise, a command whose output shows
# only when it fails, and a throw-away database with demo data on the
# configured server (started for the bench and stopped after when it was not
# running), dropped on exit. After `bench_database <name>`: $admin_url,
# $bench_url, $pulse, $python.
pulse=.venv/bin/pulse
python=.venv/bin/python

psql() { PGOPTIONS=--client-min-messages=warning command psql -X -q -v ON_ERROR_STOP=1 "$@"; }
quiet() { local out; out=$("$@" 2>&1) || { printf '%s\n' "$out" >&2; return 1; }; }

bench_database() {
  database=$1
  IFS=$'\t' read -r admin_url bench_url cluster_running < <($python -c "
from pulse.cluster import Cluster
from pulse.config import Settings
s = Settings.load()
running = s.external or Cluster(s).running()
print(s.url_for_database('postgres'), s.url_for_database('$database'), int(running), sep='\t')")
  trap bench_cleanup EXIT
  trap 'exit 130' INT TERM
  if [[ $cluster_running == 0 ]]; then quiet $pulse db start; fi
  psql "$admin_url" -c "drop database if exists $database with (force)" -c "create database $database"
  DATABASE_URL=$bench_url quiet $pulse db migrate
  DATABASE_URL=$bench_url quiet $pulse seed --demo
}

bench_cleanup() {
  psql "$admin_url" -c "drop database if exists $database with (force)" >/dev/null 2>&1 || true
  if [[ $cluster_running == 0 ]]; then $pulse db stop >/dev/null 2>&1 || true; fi
}

# The header and one row of a table comparing a small and a large run:
# each run's results are lines "<measure>\t<median>\t<p95>" (in $small and
# $large); a row prints both and the ratio of the medians, large / small.
size_table_header() {
  printf '%-58s %10s %10s %10s %10s %8s\n' "$1" "median S" "p95 S" "median L" "p95 L" "ratio"
}
size_table_row() {
  local label=$1 name=$2
  field() { awk -F'\t' -v n="$2" -v f="$3" '$1 == n { print $f }' <<<"$1"; }
  awk -v l="$label" -v a="$(field "$small" "$name" 2)" -v b="$(field "$small" "$name" 3)" \
      -v c="$(field "$large" "$name" 2)" -v d="$(field "$large" "$name" 3)" \
      'BEGIN { printf "%-58s %10.3f %10.3f %10.3f %10.3f %8.2f\n", l, a, b, c, d, c / a }'
}
