# archiver — every target sets itself up: a fresh machine needs only python3 (3.10+) and make.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
# The venv is (re)installed when pyproject.toml changes; the stamps make repeated runs quick.
RUNTIME_STAMP := $(VENV)/.runtime-installed
TEST_STAMP    := $(VENV)/.test-installed

.PHONY: bag test eval bench bench-scale manifests docs clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(RUNTIME_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(TEST_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@ $(RUNTIME_STAMP)

## bag: bag the sample corpus into bags/seeds (replacing an earlier one)
bag: $(RUNTIME_STAMP)
	$(BIN)/archiver bag seeds/ --force

## test: run the whole test suite (what CI runs)
test: $(TEST_STAMP)
	$(BIN)/python -m pytest -q

## eval: per-field precision and recall of the extractor on the labelled corpus and the held-out set
eval: $(TEST_STAMP)
	@echo "== tests/corpus (labelled; the extractor was tuned on it)"
	$(BIN)/python -m archiver.evaluation tests/corpus
	@echo "== tests/corpus-holdout (never used for tuning: the honest estimate for unseen files)"
	$(BIN)/python -m archiver.evaluation tests/corpus-holdout

## manifests: rewrite the committed provenance records of seeds/
manifests: $(RUNTIME_STAMP)
	$(BIN)/archiver manifest seeds/ -o manifests/

## bench: benchmark against the hashing floor and bagit-python (small and large sets)
bench: $(TEST_STAMP)
	$(BIN)/python -m bench

## bench-scale: the 100,000-file set as well
bench-scale: $(TEST_STAMP)
	$(BIN)/python -m bench --scale

clean:
	rm -rf bags .pytest_cache .hypothesis build *.egg-info
