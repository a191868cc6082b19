#!/usr/bin/env bash
# What the anonymous theme RPC costs in the database, in a throw-away
# database `pulse_bench_theme` (demo data; bench/theme_prepare.sql gives
# Acme a stored logo): app.theme(domain) for a tenant without a logo
# (Northwind), with a presigned logo (Acme: the AWS SigV4 HMACs in
# PL/pgSQL), and app.health(), the other anonymous RPC, as the baseline of an
# anonymous request. Each call is one transaction shaped like a PostgREST
# request (role anon, claims, auth.check_request(), the call) by pgbench, one
# client. Rounds alternate the variants; prints the median per-transaction
# times and the medians of the rounds' ratios to the baseline; asserts
# nothing. Drops the database on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
calls=${THEME_BENCH_CALLS:-2000}
rounds=${THEME_BENCH_ROUNDS:-5}

bench_database pulse_bench_theme
psql "$bench_url" -f bench/theme_prepare.sql >/dev/null
work=$(mktemp -d)
trap 'rm -rf "$work"; bench_cleanup' EXIT

request() {
  cat <<SQL
BEGIN;
SELECT set_config('request.jwt.claims', '{"role": "anon"}', true), set_config('role', 'anon', true);
SELECT auth.check_request();
$1
COMMIT;
SQL
}
request "SELECT * FROM app.theme('northwind.pulse.localhost');" >"$work/plain.pgbench"
request "SELECT * FROM app.theme('acme.pulse.localhost');" >"$work/logo.pgbench"
request "SELECT app.health();" >"$work/health.pgbench"

# Median per-transaction time in ms of one pgbench run.
timed() {
  local name=$1
  if ! (cd "$work" && pgbench -n -c1 -t "$calls" -M extended -l --log-prefix="$name" -f "$name.pgbench" "$bench_url" \
          >"$name.out" 2>&1); then
    cat "$work/$name.out" >&2
    return 1
  fi
  sort -n -k3,3 "$work/$name".[0-9]* | awk '{ t[NR] = $3 / 1000 } END { printf "%.3f\n", t[int((NR + 1) / 2)] }'
  rm -f "$work/$name".[0-9]*
}
median() { printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

plain=() logo=() health=() r_plain=() r_logo=()
timed plain >/dev/null  # warm-up, not counted
for round in $(seq "$rounds"); do
  p=$(timed plain) l=$(timed logo) h=$(timed health)
  plain+=("$p") logo+=("$l") health+=("$h")
  r_plain+=("$(awk -v a="$p" -v b="$h" 'BEGIN { printf "%.3f", a / b }')")
  r_logo+=("$(awk -v a="$l" -v b="$h" 'BEGIN { printf "%.3f", a / b }')")
done
echo "theme: $rounds rounds x $calls calls per variant, anonymous, one client (pgbench, request-shaped transactions)"
echo "  app.theme, no logo:          median $(median "${plain[@]}") ms   (rounds: ${plain[*]})"
echo "  app.theme, presigned logo:   median $(median "${logo[@]}") ms   (rounds: ${logo[*]})"
echo "  app.health (baseline):       median $(median "${health[@]}") ms   (rounds: ${health[*]})"
echo "  ratio theme / health (median of the rounds): no logo $(median "${r_plain[@]}")x, presigned logo $(median "${r_logo[@]}")x"
