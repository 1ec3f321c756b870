# Two commands for a fresh machine: `make run` (site with demo data) and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1:8000

.PHONY: run test install lint format bench e2e-deps messages clean mutation

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml constraints.txt
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo --address $(HOST)
	$(BIN)/python manage.py runserver $(HOST)

test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Debian's Chromium for the browser journeys (tests/e2e); playwright cannot download browsers here.
e2e-deps:
	command -v chromium >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null)

# The benchmark's load journey needs locust (the `bench` extra); `make install` stays without it.
$(VENV)/.installed-bench: $(STAMP)
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[test,bench]'
	touch $@

bench: $(VENV)/.installed-bench
	$(BIN)/python -m tests.bench.run $(ARGS)

# Mutation testing of the pure, central modules (the `mutation` extra); not part of `make test`
# or CI. MUTATION_ARGS picks modules or a sample, e.g. MUTATION_ARGS="--sample 200 gift".
$(VENV)/.installed-mutation: $(STAMP)
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[test,mutation]'
	touch $@

mutation: $(VENV)/.installed-mutation
	$(BIN)/python -m tests.mutation.run $(MUTATION_ARGS)

messages: install
	$(BIN)/python manage.py makemessages --locale en --ignore '.venv/*' --ignore 'tests/*' \
		--ignore 'lms/locale/*' --ignore 'media/*' --ignore 'staticfiles/*'
	$(BIN)/python manage.py compilemessages --ignore .venv

clean:
	rm -rf $(VENV) db.sqlite3 media private staticfiles mutants
