# Two commands do all set-up: `make run` and `make test`. Both start with an
# idempotent `make install` (virtualenv, pinned requirements, compiled translations).
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
FLASK  := $(BIN)/flask --app registry
HOST   ?= 127.0.0.1
PORT   ?= 5000

.PHONY: install run test translations bench clean

install: $(VENV)/.installed translations

$(VENV)/.installed: requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

translations: $(VENV)/.installed
	$(BIN)/python -m registry.i18n compile

run: install
	mkdir -p instance
	$(FLASK) db upgrade
	$(FLASK) load-demo --if-empty
	SCHEDULER_ENABLED=1 $(FLASK) run --host $(HOST) --port $(PORT)

test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache
