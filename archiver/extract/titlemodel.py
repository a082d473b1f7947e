"""The learned decision among title candidates: boosted decision trees over the candidates' features.

Which header line is the headline is decided from general properties of the line and where it stands
(titles.Features: repeated elsewhere on the page, the top of its run of lines, a stamp or byline just
below, its length, case and punctuation, whether it names an organisation, its place among the
candidates). The weights are learned from the labelled pages (archiver.extract.titletrain, `make
train-titles`) and kept, with the threshold and the training figures, in `title-model.json` beside
this module: a small, versioned, deterministic file. Scoring needs nothing but arithmetic.

The score of a candidate is the model's probability that it is the page's headline; the decision
accepts the best candidate at `accept` or above unless a different candidate scores within `margin`
of it (a conflict), and otherwise abstains. The evidence records the score, the threshold and the
features that weighed most.
"""
from __future__ import annotations

import json
import math
import os
from functools import lru_cache
from pathlib import Path

from archiver.extract import pagekind, titles

MODEL_PATH = Path(__file__).with_name("title-model.json")
# For held-out evaluation only (archiver.evaluation --loo): a model file trained without the outlets
# being scored, used in place of the committed one.
MODEL_ENV = "ARCHIVER_TITLE_MODEL"


_WORD_BANDS = tuple((lo, hi, f"words:{lo}-{hi}") for lo, hi in ((0, 2), (3, 3), (4, 6), (7, 10), (11, 15), (16, 22),
                                                                    (23, 30), (31, 10**6)))


def vector(c: titles.TitleCandidate, f: titles.Features, hand: tuple) -> dict[str, float]:
    """The features of one candidate as named numbers (absent names are 0). Takes the candidate, its
    titles.Features and its titles.score; the names are the model's vocabulary, so renaming one needs
    retraining."""
    value = c.value
    words = f.words
    x: dict[str, float] = {}
    # the hand-set score's features, each a number of its own
    for name in hand[1]:
        key = "hand:" + name
        x[key] = x.get(key, 0.0) + 1.0
    last = value[-1:]
    digits = sum(ch.isdigit() for ch in value)
    for name, cond in (("repeats>=2", f.repeats >= 2), ("meta-gap<=1", f.meta_gap <= 1),
                       ("meta-gap<=3", f.meta_gap <= 3), ("meta-gap<=8", f.meta_gap <= 8),
                       ("no-meta-below", f.meta_gap >= 99), ("blank-before", f.blank_before),
                       ("blank-after", f.blank_after), ("first-candidate", f.rank == 0.0),
                       ("last-candidate", f.rank == 1.0 and f.candidates > 1), ("page:no-meta", f.page_meta == 0),
                       ("ends:?", last in "?？؟"), ("ends:!", last in "!！"), ("ends:.", last in ".。"),
                       ("ends:,;:", last in ",;:，："), ("ends:)", last in ")）"),
                       ("colon-inside", ":" in value[:-1] or "：" in value[:-1]),
                       ("quote", any(q in value for q in "\"“”‘’«»'「」")),
                       ("pipe-or-bullet", any(q in value for q in "|•·»›")), ("digits", digits > 0),
                       ("rule:segment", "segment" in c.rule), ("rule:breadcrumb", c.rule.endswith("-after-breadcrumb")),
                       ("rule:glued-kicker", c.rule.endswith("-after-glued-kicker")),
                       ("rule:crawler-prefix", "-after-crawler-prefix" in c.rule),
                       ("shortened", value != c.line.text.strip())):
        if cond:
            x[name] = 1.0
    for lo, hi, name in _WORD_BANDS:
        if lo <= words <= hi:
            x[name] = 1.0
    x["run-size"] = min(f.run_size, 5) / 5
    x["rank"] = f.rank
    x["candidates"] = math.log1p(f.candidates) / 4
    x["line"] = math.log1p(c.line.number) / 5
    x["page:meta"] = min(f.page_meta, 8) / 8
    x["page:header-lines"] = math.log1p(f.header_lines) / 5
    x["chars"] = min(len(value), 300) / 100
    if digits:
        x["digit-share"] = digits / len(value)
    # The page's shape (pagekind.Shape): how much running prose, how many stamps, whether its top
    # lines print a wall phrase or speak of consent; and whether this line is such a phrase itself.
    # An article's shape is weighed softly here where the kind rules cut at fixed counts.
    if f.shape:
        prose_chars, prose_lines, stamps, phrase, consent_lines, teasers = f.shape
        x["page:prose"] = math.log1p(prose_chars) / 8
        x["page:prose-lines"] = min(prose_lines, 40) / 40
        x["page:stamps"] = min(stamps, 20) / 20
        x["page:consent-lines"] = min(consent_lines, 10) / 10
        x["page:teasers"] = min(teasers, 10) / 10
        if phrase:  # looked for on pages short of prose only (pagekind.Shape)
            x["page:wall-phrase"] = 1.0
    if len(value) <= 160 and (pagekind.wall_phrase(value) or pagekind.speaks_of_consent(value)):
        x["wall-phrase"] = 1.0
    cased = [w for w in value.split() if w[:1].isalpha() and w[:1].casefold() != w[:1].upper()]
    if len(cased) >= 2:
        x["title-case-share"] = sum(w[:1].isupper() for w in cased) / len(cased)
        if all(w.isupper() for w in cased):
            x["all-caps"] = 1.0
    else:
        x["uncased-script"] = 1.0
    return x


def vectors(pairs: list) -> list[dict[str, float]]:
    """vector() of each (candidate, Features) of one page, with features relative to the page's other
    candidates: the rank of its hand-set score, how far it leads or trails the best other one, whether
    it is the longest, the only repeated one."""
    scores = [titles.score(c, f) for c, f in pairs]
    xs = [vector(c, f, h) for (c, f), h in zip(pairs, scores, strict=True)]
    hand = [h[0] for h in scores]
    words = [f.words for _, f in pairs]
    repeated = sum(f.repeats > 0 for _, f in pairs)
    near_meta = any(f.meta_gap <= 8 for _, f in pairs)
    for i, x in enumerate(xs):
        others = hand[:i] + hand[i + 1:]
        lead = hand[i] - max(others) if others else 3.0
        x["hand-lead"] = max(-6.0, min(6.0, lead)) / 3
        if lead > 0:
            x["hand-best"] = 1.0
        x["hand-score"] = max(-9.0, min(9.0, hand[i])) / 3
        if words[i] == max(words) and len(pairs) > 1:
            x["longest"] = 1.0
        if pairs[i][1].repeats > 0 and repeated == 1:
            x["only-repeated"] = 1.0
        if not near_meta:
            x["page:no-meta-near-candidates"] = 1.0
    return xs


class Model:
    """Gradient-boosted trees read from title-model.json: name, accept, margin, score_page(pairs).

    The document holds `features` (the vocabulary, by index), `init` (the prior log-odds),
    `learning_rate`, and `trees`, each a list of nodes [feature index, threshold, left, right, value]
    (a leaf has feature index -1 and carries `value`). The log-odds of a vector are init plus
    learning_rate times the sum of the leaves it reaches, as scikit-learn's GradientBoostingClassifier
    computes them (titletrain checks the two agree on every training vector)."""

    def __init__(self, doc: dict):
        self.version = doc["version"]
        self.name = f"title-model {doc['version']}"
        self.features = list(doc["features"])
        self.index = {name: i for i, name in enumerate(self.features)}
        self.init = float(doc["init"])
        self.rate = float(doc["learning_rate"])
        self.trees = [_nest(tree, 0) for tree in doc["trees"]]
        self.accept = float(doc["accept"])
        self.margin = float(doc["margin"])

    def log_odds(self, x: dict[str, float]) -> float:
        values = [0.0] * len(self.features)
        for name, v in x.items():
            i = self.index.get(name)
            if i is not None:
                values[i] = v
        total = 0.0
        for node in self.trees:
            while type(node) is tuple:
                node = node[2] if values[node[0]] <= node[1] else node[3]
            total += node
        return self.init + self.rate * total

    def probability(self, x: dict[str, float]) -> float:
        return 1.0 / (1.0 + math.exp(-max(-40.0, min(40.0, self.log_odds(x)))))

    def score_page(self, pairs: list) -> list[tuple[float, list[str]]]:
        """For each (candidate, Features) of a page: (probability that it is the headline, the names of
        the readable features it has (titles.score's: repeated, stack-top, meta-below...), for the
        evidence)."""
        return [(self.probability(x), [k[5:] for k in x if k.startswith("hand:")]) for x in vectors(pairs)]


def _nest(nodes: list, n: int):
    """The node list of one tree from the file as nested (feature, threshold, left, right) tuples whose
    leaves are their values: walked with no index arithmetic."""
    feature, threshold, left, right, value = nodes[n]
    if feature < 0:
        return float(value)
    return (feature, float(threshold), _nest(nodes, left), _nest(nodes, right))


def model() -> Model:
    """The committed model (read once), or the file ARCHIVER_TITLE_MODEL names (held-out evaluation).
    Raises FileNotFoundError or ValueError when the file is missing or malformed: the package (or the
    evaluation) is broken then, not the input."""
    return _load(os.environ.get(MODEL_ENV) or str(MODEL_PATH))


@lru_cache(maxsize=2)
def _load(path: str) -> Model:
    return Model(json.loads(Path(path).read_text("utf-8")))
