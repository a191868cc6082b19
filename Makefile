# Two commands on a fresh machine: `make up` and `make test`.
# Both install what is missing first (tools/bootstrap.sh).

PULSE := .venv/bin/pulse
PYTEST := .venv/bin/pytest
# Test files spread over this many processes (pytest-xdist); each has its own databases and stacks.
TEST_WORKERS ?= 2

.PHONY: up down test lint install reset contracts bench security-report mutation

up: install ## Start PostgreSQL, migrate, seed demo data, start PostgREST and PostGraphile
	$(PULSE) up --demo

down: ## Stop what `make up` started
	$(PULSE) down

test: install ## Run every test: pgTAP, CLI, live HTTP (pytest's "no tests ran", exit 5, is a failure); print the CLI's and the SQL functions' coverage
	@mkdir -p .pulse/coverage; \
	$(PYTEST) --numprocesses=$(TEST_WORKERS) --dist=loadfile -m "not serial" --cov --cov-report= --durations=30; spread=$$?; \
	PULSE_SQL_COVERAGE_ADD=1 $(PYTEST) -m serial --cov --cov-append --cov-report=term --durations=5; serial=$$?; \
	for status in $$spread $$serial; do if [ $$status -eq 5 ]; then echo "error: pytest collected no tests" >&2; exit 1; fi; done; \
	if [ $$spread -ne 0 ]; then exit $$spread; fi; exit $$serial

lint: install ## ruff over the Python (cli, tests, tools), mypy --strict over cli/pulse; both run, either failing fails
	@status=0; .venv/bin/ruff check || status=1; .venv/bin/mypy || status=1; exit $$status

install:
	@tools/bootstrap.sh

reset: install ## Drop, migrate and seed the demo database
	$(PULSE) db reset --demo --yes

contracts: install ## Regenerate contracts/openapi.json, contracts/schema.graphql, contracts/database.json and the client types in contracts/clients/
	$(PULSE) contracts snapshot

bench: install ## Print benchmark ratios
	bench/run.sh

security-report: install ## Run the tenant matrices, fuzzers, bad inputs, concurrency and faults; print one table
	.venv/bin/python tools/security_report.py

mutation: install ## Drop each RLS policy and guard trigger in turn; list those no pgTAP test notices (exit 1 if any)
	.venv/bin/python tools/mutation.py
