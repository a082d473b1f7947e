"""Language of the text (ISO 639-1), from py3langid's offline model, only when it is confident.

py3langid ships its model inside the package (no download at run time) and is the maintained fork
of langid.py. The model is loaded once, at import, so that worker processes forked later share it.
Only body prose is classified (headlines and mastheads mislead it), a bounded amount of it, and a
value is given only with probability >= 0.95 over at least 80 letters.
"""
from __future__ import annotations

from py3langid.langid import MODEL_FILE, LanguageIdentifier

_MODEL = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
SAMPLE_CHARS = 300  # the fixed cost of a classification dominates past this; accuracy was the same at 200-800
MIN_LETTERS = 80
MIN_PROBABILITY = 0.95


def identify(text: str) -> tuple[str, float, int] | None:
    sample = text[:SAMPLE_CHARS]
    letters = sum(map(str.isalpha, sample))
    if letters < MIN_LETTERS:
        return None
    lang, prob = _MODEL.classify(sample)
    if prob < MIN_PROBABILITY or len(lang) != 2:
        return None
    return lang, float(prob), len(sample)
