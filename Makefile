# archiver — every target sets itself up: a fresh machine needs only python3 (3.10+) and make.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
# The venv is (re)installed when pyproject.toml changes; the stamps make repeated runs quick.
RUNTIME_STAMP := $(VENV)/.runtime-installed
TEST_STAMP    := $(VENV)/.test-installed

.PHONY: bag test eval train-titles bench bench-scale manifests docs clean

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

## test: lint, then run the whole test suite (what CI runs)
test: $(TEST_STAMP)
	$(BIN)/ruff check archiver tests bench
	$(BIN)/python -m pytest -q

## eval: per-field precision and recall with the dev set's scorer, in sample and leave-one-outlet-out
DEV := ../shared/extraction-dev-set
EVAL := $(BIN)/python -m archiver.evaluation
eval: $(TEST_STAMP)
	@set -e; folds=$$(mktemp -d); trap 'rm -rf "$$folds"' EXIT; \
	echo "== training one title model per fold of outlets (for leave-one-outlet-out)"; \
	$(BIN)/python -m archiver.extract.titletrain --folds "$$folds" >/dev/null; \
	LOO="--loo --title-models $$folds"; \
	echo "== dev set (60 pages; developed on): in sample"; $(EVAL) $(DEV)/cases --truth $(DEV)/truth.yaml; \
	echo "== dev set: leave-one-outlet-out"; $(EVAL) $(DEV)/cases --truth $(DEV)/truth.yaml $$LOO; \
	echo "== tests/corpus (193 pages; developed on): in sample"; $(EVAL) tests/corpus --truth tests/corpus/truth.yaml; \
	echo "== tests/corpus: leave-one-outlet-out"; $(EVAL) tests/corpus --truth tests/corpus/truth.yaml $$LOO; \
	echo "== tests/corpus-holdout (20 pages)"; $(EVAL) tests/corpus-holdout --truth tests/corpus-holdout/truth.yaml; \
	for part in a b c d e f g h i j k l m; do \
	  echo "== tests/corpus-web part $$part (labelled blind; see docs/extraction.md): in sample"; \
	  $(EVAL) tests/corpus-web/cases --truth tests/corpus-web/truth-$$part.yaml; \
	  echo "== tests/corpus-web part $$part: leave-one-outlet-out"; \
	  $(EVAL) tests/corpus-web/cases --truth tests/corpus-web/truth-$$part.yaml $$LOO; \
	done

## train-titles: refit the title model (archiver/extract/title-model.json) from the labelled pages
train-titles: $(TEST_STAMP)
	$(BIN)/python -m archiver.extract.titletrain

## manifests: rewrite the committed provenance records of seeds/
manifests: $(RUNTIME_STAMP)
	$(BIN)/archiver manifest seeds/ -o manifests/

## bench: benchmark against the hashing floor and bagit-python (small and large sets)
bench: $(TEST_STAMP)
	$(BIN)/python -m bench
	$(BIN)/python -m bench.extraction

## bench-scale: the 100,000-file set as well
bench-scale: $(TEST_STAMP)
	$(BIN)/python -m bench --scale

clean:
	rm -rf bags .pytest_cache .hypothesis build *.egg-info
