#!/usr/bin/env bash
# What checking custom fields costs a write, on this machine, in a throw-away
# database `pulse_bench_fields` (the demo data, ten project fields of
# acme-manufacturing: text with length and pattern, integer and decimal with
# bounds and a unit, single and multi select, date, boolean, email, url,
# reference):
#   UPDATE app.projects SET title, custom_fields (all ten values changed)
#   with the checking trigger, against the same statement with the trigger
#   disabled (bar: <= 1.3x); and, for scale, the same UPDATE of the title only.
# Each write is one transaction shaped like a PostgREST request (role,
# claims, auth.check_request(), the statement) by pgbench, one client, as
# sales@acme.test. Rounds alternate the variants, so each round's ratio
# compares runs a few seconds apart (the machine's load drifts); prints the
# median per-transaction times and the median of the rounds' ratios;
# asserts nothing. Drops the database on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
pulse=.venv/bin/pulse
python=.venv/bin/python
database=pulse_bench_fields
writes=${FIELDS_BENCH_WRITES:-200}
rounds=${FIELDS_BENCH_ROUNDS:-7}

psql() { PGOPTIONS=--client-min-messages=warning command psql -X -q -v ON_ERROR_STOP=1 "$@"; }
quiet() { local out; out=$("$@" 2>&1) || { printf '%s\n' "$out" >&2; return 1; }; }

IFS=$'\t' read -r admin_url bench_url external cluster_running < <($python -c "
from pulse.cluster import Cluster
from pulse.config import Settings
s = Settings.load()
running = s.external or Cluster(s).running()
print(s.url_for_database('postgres'), s.url_for_database('$database'), int(s.external), int(running), sep='\t')")
work=$(mktemp -d)
cleanup() {
  psql "$admin_url" -c "drop database if exists $database with (force)" >/dev/null 2>&1 || true
  if [[ $cluster_running == 0 ]]; then $pulse db stop >/dev/null 2>&1 || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if [[ $cluster_running == 0 ]]; then quiet $pulse db start; fi
psql "$admin_url" -c "drop database if exists $database with (force)" -c "create database $database"
DATABASE_URL=$bench_url quiet $pulse db migrate
DATABASE_URL=$bench_url quiet $pulse seed --demo
psql "$bench_url" -f bench/custom_fields_prepare.sql
IFS=$'\t' read -r org sales targets < <(psql "$bench_url" -AtF $'\t' -c "
  select o.id, (select id from app.users where email = 'sales@acme.test'), (select count(*) from app_private.bench_custom_field_targets)
    from app.organizations o where o.slug = 'acme-manufacturing'")
claims=$(printf '{"sub":"%s","role":"app_user","org_id":"%s"}' "$sales" "$org")

# Write k goes to project k mod n; every value is derived from the round
# k / n, so each write changes all ten values of its project (an unchanged
# value is not checked again).
cat >"$work/fields.pgbench" <<'SQL'
\set k :k + 1
\set n :k % :targets
\set r :k / :targets
BEGIN;
SELECT set_config('request.jwt.claims', :claims, true), set_config('role', 'app_user', true);
SELECT auth.check_request();
UPDATE app.projects AS p SET title = 'Bench ' || :k, custom_fields = p.custom_fields || jsonb_build_object(
    'bench_reference', 'AB-' || lpad(((:r)::int % 10000)::text, 4, '0'), 'bench_count', (:r)::int, 'bench_thickness', ((:r)::int % 900) / 10.0 + 1,
    'bench_grade', (ARRAY['a', 'b', 'c'])[(:r)::int % 3 + 1], 'bench_grades', CASE WHEN (:r)::int % 2 = 0 THEN '["a", "b"]'::jsonb ELSE '["c"]' END,
    'bench_due', (date '2026-01-01' + (:r)::int)::text, 'bench_export', (:r)::int % 2 = 0, 'bench_contact', 'buyer' || (:r)::int || '@example.com',
    'bench_portal', 'https://portal.example.com/' || (:r)::int, 'bench_related', CASE WHEN (:r)::int % 2 = 0 THEN t.other::text END)
  FROM app_private.bench_custom_field_targets AS t
 WHERE t.n = :n AND p.organization_id = t.organization_id AND p.id = t.id;
COMMIT;
SQL
cat >"$work/title.pgbench" <<'SQL'
\set k :k + 1
\set n :k % :targets
BEGIN;
SELECT set_config('request.jwt.claims', :claims, true), set_config('role', 'app_user', true);
SELECT auth.check_request();
UPDATE app.projects AS p SET title = 'Bench ' || :k
  FROM app_private.bench_custom_field_targets AS t
 WHERE t.n = :n AND p.organization_id = t.organization_id AND p.id = t.id;
COMMIT;
SQL

# Median per-transaction time in ms of one pgbench run; k continues from $1.
timed() {
  local name=$1 script=$2 from=$3
  if ! (cd "$work" && pgbench -n -c1 -t "$writes" -M extended -D k="$from" -D targets="$targets" -D claims="$claims" \
          -l --log-prefix="$name" -f "$script" "$bench_url" >"$name.out" 2>&1); then
    cat "$work/$name.out" >&2
    return 1
  fi
  sort -n -k3,3 "$work/$name".[0-9]* | awk '{ t[NR] = $3 / 1000 } END { printf "%.3f\n", t[int((NR + 1) / 2)] }'
  rm -f "$work/$name".[0-9]*
}
trigger() { psql "$bench_url" -c "alter table app.projects $1 trigger _300_custom_fields"; }

checked=() unchecked=() titles=()
k=0
# A warm-up round, not counted.
timed warm fields.pgbench $k >/dev/null; k=$((k + writes))
for round in $(seq "$rounds"); do
  checked+=("$(timed checked fields.pgbench $k)"); k=$((k + writes))
  trigger disable
  unchecked+=("$(timed unchecked fields.pgbench $k)"); k=$((k + writes))
  trigger enable
  titles+=("$(timed title title.pgbench $k)"); k=$((k + writes))
done
violations=$(psql "$bench_url" -Atc "
  select count(*) from app_private.bench_custom_field_targets t join app.projects p on p.id = t.id
   where p.custom_fields ->> 'bench_reference' is null")
median() { printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
ratios() { local i; for i in "${!checked[@]}"; do awk -v a="${checked[$i]}" -v b="$1" -v i="$i" \
  'BEGIN { split(b, d, " "); printf "%.3f\n", a / d[i + 1] }'; done; }
c=$(median "${checked[@]}") u=$(median "${unchecked[@]}") t=$(median "${titles[@]}")
r_unchecked=$(median $(ratios "${unchecked[*]}")) r_title=$(median $(ratios "${titles[*]}"))
echo "custom fields: $targets projects of acme-manufacturing, $rounds rounds x $writes writes per variant, one client (pgbench)"
echo "  UPDATE title + 10 custom fields, checked:     median $c ms   (rounds: ${checked[*]})"
echo "  the same UPDATE, checking trigger disabled:  median $u ms   (rounds: ${unchecked[*]})"
echo "  UPDATE of the title only:                     median $t ms   (rounds: ${titles[*]})"
awk -v r="$r_unchecked" -v q="$r_title" 'BEGIN {
  printf "  ratio checked / unchecked (median of the rounds): %.2fx (bar: <= 1.3x)\n", r
  printf "  ratio checked / title only (median of the rounds): %.2fx\n", q }'
echo "  projects whose values were not written: $violations"
