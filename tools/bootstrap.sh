#!/usr/bin/env bash
# Install what the Pulse stack needs, skipping what is already there:
# Debian packages, the npm packages (Node 22, PostGraphile 5, PostgREST 12)
# and the Python project with its test extra in .venv.
set -euo pipefail
cd "$(dirname "$0")/.."

SYSTEM_PACKAGES=(
  postgresql-15 postgresql-15-pgtap postgresql-15-cron postgresql-15-partman
  postgresql-15-postgis-3 postgresql-15-plpgsql-check sqitch wrk npm python3-venv
  pgbouncer  # `pulse up --pool` (docs/scaling.md, "Pooling")
)

missing=()
for package in "${SYSTEM_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
# A machine whose python3 already creates virtual environments does not need python3-venv.
if [[ " ${missing[*]} " == *" python3-venv "* ]] && python3 -m venv --help >/dev/null 2>&1; then
  missing=("${missing[@]/python3-venv}")
fi
# Likewise npm: any npm on the PATH can run `npm ci`.
if [[ " ${missing[*]} " == *" npm "* ]] && command -v npm >/dev/null; then
  missing=("${missing[@]/npm}")
fi
read -r -a missing <<< "${missing[*]}"

if ((${#missing[@]})); then
  if [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null; then
    echo "==> installing Debian packages: ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  elif [[ -n "${DATABASE_URL:-}" ]]; then
    echo "note: not installed: ${missing[*]}; using the PostgreSQL server at DATABASE_URL"
  else
    echo "error: missing Debian packages: ${missing[*]}" >&2
    echo "       install them as root (apt-get install ${missing[*]})," >&2
    echo "       or point Pulse at an existing PostgreSQL 15+ with pgTAP: export DATABASE_URL=postgresql://USER:PASSWORD@HOST:5432/DB" >&2
    exit 1
  fi
fi

if [[ ! -x node_modules/.bin/node || package-lock.json -nt node_modules/.package-lock.json ]]; then
  echo "==> npm ci (Node 22, PostGraphile 5, PostgREST 12)"
  npm ci --no-audit --no-fund --loglevel=error
fi

if [[ ! -f .venv/.installed || pyproject.toml -nt .venv/.installed ]]; then
  echo "==> Python virtual environment (.venv) with the pulse CLI and its test extra"
  python3 -m venv .venv
  .venv/bin/pip install --quiet --upgrade pip
  .venv/bin/pip install --quiet -e '.[test]'
  touch .venv/.installed
fi
