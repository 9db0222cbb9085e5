# Buurtkracht: `make run` starts the portal, `make test` runs the whole suite.
PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test services lint format messages bench faults \
	fault-submissions fault-claims fault-worker-kill fault-redis-outage fault-postgres-restart

$(STAMP): requirements.txt requirements-dev.txt
	@$(PYTHON) -c 'import sys; v = sys.version_info[:2]; sys.exit(0 if v == (3, 11) else "Buurtkracht needs Python 3.11, found %d.%d" % v)'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/python scripts/dev.py run

test: $(STAMP)
	$(BIN)/python scripts/dev.py test $(PYTEST_ARGS)

services: $(STAMP)
	$(BIN)/python scripts/dev.py services

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

messages: $(STAMP)
	$(BIN)/python manage.py makemessages --locale nl --no-obsolete --no-location \
		--ignore ".venv/*" --ignore "staticfiles/*" --ignore "tests/*" --ignore "*/tests/*"
	$(BIN)/python manage.py compilemessages --locale nl --ignore ".venv/*"

# Benchmarks against bare Django references (docs/performance.md); BENCH_ARGS=--quick
# for a one-minute smoke run, --write docs/performance.md to record the results.
bench: $(STAMP)
	$(BIN)/python bench/run.py $(BENCH_ARGS)

# Fault scripts against a private portal on loopback (docs/faults.md); each prints its
# counts and fails when an invariant does not hold. FAULT_ARGS=--quick for small counts.
# The template database goes on the server of DATABASE_URL (embedded when unset).
FAULTS := submissions claims worker-kill redis-outage postgres-restart

$(addprefix fault-,$(FAULTS)): fault-%: $(STAMP)
	$(BIN)/python scripts/dev.py fault $(subst -,_,$*) $(FAULT_ARGS)

faults: $(addprefix fault-,$(FAULTS))
