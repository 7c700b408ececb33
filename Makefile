# Two commands on a fresh machine with only python3 and make: `make demo`, `make test`.
PYTHON ?= python3
TOOLS  := .tools
UV     := $(TOOLS)/bin/uv
VENV   := .venv
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)

DEMO_DIR      ?= demo
DEMO_PREMISES ?= 5000
DEMO_AS_OF    ?= 2025-01-20

.PHONY: install browser demo test bench clean

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/python -m pip install --quiet --disable-pip-version-check "uv>=0.5"

$(VENV)/.installed: $(UV) pyproject.toml uv.lock
	$(UV) sync --frozen --python $(PYTHON)
	touch $@

install: $(VENV)/.installed

demo: install
	rm -rf $(DEMO_DIR)/landing
	$(VENV)/bin/sverka generate $(DEMO_DIR)/landing --premises $(DEMO_PREMISES) --seed 7
	$(VENV)/bin/sverka run $(DEMO_DIR)/landing --warehouse $(DEMO_DIR)/sverka.duckdb \
		--reports $(DEMO_DIR)/reports --as-of $(DEMO_AS_OF)
	$(VENV)/bin/sverka evaluate $(DEMO_DIR)/landing $(DEMO_DIR)/sverka.duckdb

# The report tests render HTML in headless Chromium (Debian's package); they skip, saying why, without it.
browser:
	@command -v chromium >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 && \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) ; } || \
		echo "chromium could not be installed: browser tests will be skipped"

test: install browser
	$(VENV)/bin/python -m pytest -q -n 2

bench: install
	$(VENV)/bin/python benchmarks/bench_ingest.py

clean:
	rm -rf $(VENV) $(TOOLS) $(DEMO_DIR) .pytest_cache
