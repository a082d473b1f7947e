"""Language of the text (ISO 639-1), from the script and the function words of its body, only when
the evidence is strong; otherwise unknown.

Why not py3langid: its model alone raises a process's resident memory by about 100 MB (measured:
27 MB → 133 MB on import), which every worker carries and which breaks the memory budget for large
corpora, and it brings numpy. The corpus we archive is news in a handful of languages; a small,
inspectable identifier that says "unknown" outside them is the honest choice:
- Arabic script: Persian and Arabic are told apart by letters only one of them uses (پ چ ژ گ and
  Persian ی/ک against Arabic ي/ك/ة/ى) and by each language's most common words.
- Latin script: the share of each language's commonest function words among the text's words; a
  language is named only when it covers enough of the text and clearly beats every other.
- Hebrew, Greek, Armenian, Georgian, Thai, Hangul, Kana scripts identify their language outright;
  Cyrillic and Han are left unknown (several languages share them).
"""
from __future__ import annotations

import re
from collections import Counter
from itertools import filterfalse

SAMPLE_CHARS = 600
MIN_WORDS = 12
MIN_SHARE = 0.18       # at least this share of the words are the language's function words
MIN_MARGIN = 2.0       # and at least this many times the runner-up's share

STOPWORDS = {
    "en": "the of and to in a is that for on with as by was were said at from it has have be are this an "
          "which who not but had after their its will been would also they he she his her".split(),
    "fr": "le la les des de du et en un une est que qui dans pour sur au aux par a été il elle ne pas "
          "ont sont avec ce cette ses son plus selon lors".split(),
    "es": "el la los las de del y en un una es que por con para se al su sus como más fue ha han "
          "pero este esta según".split(),
    "de": "der die das und in den von zu mit sich des auf für ist im dem nicht ein eine als auch es an "
          "werden aus er hat dass sie nach wird bei".split(),
    "it": "il la le di e che in un una per con non del della dei delle è al sono ha gli nel anche come "
          "più questo".split(),
    "pt": "o a os as de do da dos das e em um uma que para com não por no na se ao mais foi são pelo "
          "pela segundo".split(),
    "nl": "de het een en van in is op te dat die voor met zijn niet aan er om ook als bij door werd".split(),
    "tr": "ve bir bu da de için ile olarak olan gibi daha çok en ama ise sonra kadar değil".split(),
    # Further Latin-script languages of the news we archive: each language's commonest function words
    # (from frequency lists), none shared with a closely related language where that would blur them.
    "sv": "och att det som en på är för med av till den har inte om ett var från men kommer sig efter "
          "under också enligt".split(),
    "da": "og at det som en på er for med af til den har ikke om et var fra men vil sig efter blev "
          "også ifølge".split(),
    "nb": "og å det som en på er for med av til den har ikke om et var fra men vil seg etter ble også "
          "ifølge".split(),
    "fi": "ja on että ei se hän oli ovat myös kun mutta tai jo sen hänen niin joka kuin mukaan".split(),
    "pl": "i w na z że się do nie jest to o jak po przez od za oraz dla który które także jego".split(),
    "cs": "a v na se že je s z do o k to by jako pro ve od podle které který jsou také jeho bylo".split(),
    "ro": "și în de la cu o un că pe din a au fost este care pentru mai ca sunt după potrivit".split(),
    "hu": "a az és hogy nem is egy meg de van volt már csak szerint még mint után által".split(),
    "id": "yang dan di ini itu dengan untuk dari dalam tidak akan pada juga ke karena oleh ada telah "
          "kata".split(),
    # Croatian (and Bosnian, Serbian in Latin letters), Slovak and Slovene: words their neighbours
    # (Czech, Polish) do not write the same way
    "hr": "i u je na se da za su od što koji koja koje ali kao te iz će bi bio bila nije ili prema nakon kako "
          "samo već još kada dok biti bilo sve godine rekao rekla jer međutim trebali trebao".split(),
    "sk": "sa podľa ktoré ktorý ktorá sú aj bolo pre vo ako tiež alebo že".split(),
    "sl": "in v je da se za so tudi ki pa bo na z od po ne bil kot ali iz pri".split(),
    "vi": "của và là có được trong cho các những với người này đã không một khi đến về theo cũng".split(),
    "sw": "na ya wa kwa la za katika ni kuwa hiyo huo cha pia hii amesema alisema lakini".split(),
}
# word -> the languages it is a function word of: one dictionary lookup per word of the sample.
_LANGS_OF: dict[str, tuple[str, ...]] = {}
for _lang, _words in STOPWORDS.items():
    for _w in set(_words):
        _LANGS_OF[_w] = _LANGS_OF.get(_w, ()) + (_lang,)
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")
# Latin letters only one of these languages writes (Slovene writes none of its own: it is left out)
_SLAVIC_LATIN = {"hr": "ćđĆĐ", "cs": "řěůŘĚŮ", "sk": "äľĺŕôÄĽĹŔÔ", "pl": "łąęśźńżŁĄĘŚŹŃŻ"}
_MALAY_ONLY = frozenset("kerana beliau ialah daripada iaitu manakala bagi kerajaan sebanyak selepas".split())
_INDONESIAN_ONLY = frozenset("karena bahwa tersebut adalah yaitu kepada sedangkan pemerintah setelah bisa".split())

FA_LETTERS = set("پچژگ")
FA_FORMS = set("یک")           # Persian yeh and keheh
AR_FORMS = set("يكةى")         # Arabic yeh, kaf, teh marbuta, alef maksura
FA_WORDS = set("و در به از که این را با است می برای آن یک شد کرد شده های تا بر نیز هم".split())
AR_WORDS = set("في من على إلى أن التي الذي عن مع هذا هذه كان قد بين بعد وقال ذلك عام".split())

SCRIPTS = [  # (characters of the script, language): scripts that one language of the news writes
    (re.compile("[\u0590-\u05ff]"), "he"), (re.compile("[\u0370-\u03ff\u1f00-\u1fff]"), "el"),
    (re.compile("[\u0530-\u058f]"), "hy"), (re.compile("[\u10a0-\u10ff]"), "ka"),
    (re.compile("[\u0e00-\u0e7f]"), "th"), (re.compile("[\uac00-\ud7af\u1100-\u11ff]"), "ko"),
    (re.compile("[\u0980-\u09ff]"), "bn"), (re.compile("[\u0b80-\u0bff]"), "ta"),
    (re.compile("[\u0c00-\u0c7f]"), "te"), (re.compile("[\u0a80-\u0aff]"), "gu"),
    (re.compile("[\u0c80-\u0cff]"), "kn"), (re.compile("[\u0d00-\u0d7f]"), "ml"),
    (re.compile("[\u0a00-\u0a7f]"), "pa"), (re.compile("[\u0d80-\u0dff]"), "si"),
    (re.compile("[\u1780-\u17ff]"), "km"), (re.compile("[\u0e80-\u0eff]"), "lo"),
    (re.compile("[\u1000-\u109f]"), "my"),
]
# Scripts that several languages share, told apart by letters only one of them uses.
_CYRILLIC = re.compile("[\u0400-\u04ff]")
_CYRILLIC_ONLY = [  # (letters, language): Ukrainian і ї є ґ; Serbian ђ ћ џ љ њ ј; Macedonian ѓ ќ ѕ; Russian ы э ё
    (set("ъЪ"), "bg"), (set("іїєґІЇЄҐ"), "uk"), (set("ђћџљњјЂЋЏЉЊЈ"), "sr"), (set("ѓќѕЃЌЅ"), "mk"), (set("ыэёЫЭЁ"), "ru"),
]
_HAN = re.compile("[\u3400-\u9fff\uf900-\ufaff]")
_KANA = re.compile("[\u3040-\u30ff]")
_DEVANAGARI = re.compile("[\u0900-\u097f]")
HI_WORDS = set("है के की में और का को से ने पर कि यह भी किया था हैं कहा".split())
_LETTER = re.compile(r"[^\W\d_]")
_ARABIC = re.compile("[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff]")
_LATIN = re.compile("[A-Za-z\u00c0-\u024f\u1e00-\u1eff]")
# A letter outside the Latin script: when there is none (most pages, typographic dashes and quotes
# notwithstanding), one search replaces the per-script counts.
_NON_LATIN_LETTER = re.compile("[^\\W\\d_A-Za-z\u00c0-\u024f\u1e00-\u1eff]")


def _arabic_script(words: list[str]) -> tuple[str, str] | None:
    text = "".join(words)
    fa = sum(ch in FA_LETTERS or ch in FA_FORMS for ch in text)
    ar = sum(ch in AR_FORMS for ch in text)
    fa_w = sum(w in FA_WORDS for w in words)
    ar_w = sum(w in AR_WORDS for w in words)
    if fa + fa_w >= 5 and fa + fa_w >= 4 * (ar + ar_w):
        return "fa", f"{fa} Persian-only letters, {fa_w} Persian function words, {ar + ar_w} Arabic signs"
    if ar + ar_w >= 5 and ar + ar_w >= 4 * (fa + fa_w):
        return "ar", f"{ar} Arabic-only letters, {ar_w} Arabic function words, {fa + fa_w} Persian signs"
    return None


# Counting words fast: in the UTF-8 bytes of the sample, one bytes.translate folds ASCII letters to
# lower case and turns every other ASCII character but the apostrophe (none of which a word holds) into
# a space; bytes.split then cuts tokens no word of _WORD straddles. A token of ASCII letters is one word
# as it stands; any other token (an apostrophe, a non-ASCII character) is read with _WORD, which finds
# in it the words it finds there in the whole sample (the same, bar ASCII case, which str.lower folds
# anyway).
_FOLD = bytes(b + 32 if 65 <= b <= 90 else b if 97 <= b <= 122 or b == 39 or b >= 128 else 32
              for b in range(256))
_LOWER_AND_SPACE = b"abcdefghijklmnopqrstuvwxyz "
_LANGS_OF_BYTES = {w.encode("ascii"): langs for w, langs in _LANGS_OF.items() if w.isascii()}


def _function_words(sample: str) -> tuple[int, dict[str, int], str]:
    """(len(_WORD.findall(sample)), how many of those words each language's function words are,
    the tokens that are not plain ASCII words joined by spaces)."""
    data = sample.encode("utf-8", "surrogatepass").translate(_FOLD)
    tokens = data.split()
    hits = dict.fromkeys(STOPWORDS, 0)
    for langs in filter(None, map(_LANGS_OF_BYTES.get, tokens)):
        for lang in langs:
            hits[lang] += 1
    total = len(tokens)
    if not data.translate(None, _LOWER_AND_SPACE):
        return total, hits, ""
    others = []
    for token in filterfalse(bytes.isalpha, tokens):
        token = token.decode("utf-8", "surrogatepass")
        others.append(token)
        words = _WORD.findall(token)
        total += len(words) - 1
        for w in words:
            langs = _LANGS_OF.get(w.lower())
            if langs:
                for lang in langs:
                    hits[lang] += 1
    return total, hits, " ".join(others)


def _shared_script(sample: str, letters: int) -> tuple[str, str] | None:
    """The language of a sample mostly in a script several languages write (Cyrillic, Han with or
    without kana, Devanagari), when letters or words only one of them uses say which; else None."""
    cyrillic = _CYRILLIC.findall(sample)
    if len(cyrillic) > 0.6 * letters:
        counts = [(sum(ch in only for ch in cyrillic), lang) for only, lang in _CYRILLIC_ONLY]
        counts.sort(reverse=True)
        (best, lang), (second, _) = counts[0], counts[1]
        if best >= 3 and best >= 4 * second:
            return lang, f"{best} letters of {letters} only {lang} writes among Cyrillic languages"
        return None
    han, kana = len(_HAN.findall(sample)), len(_KANA.findall(sample))
    if han + kana > 0.6 * letters:
        if kana >= 0.1 * (han + kana):
            return "ja", f"{kana} kana among {han + kana} Han and kana characters"
        if kana == 0 and han >= 20:
            return "zh", f"{han} Han characters and no kana"
        return None
    if len(_DEVANAGARI.findall(sample)) > 0.6 * letters:
        words = sum(w in HI_WORDS for w in _WORD.findall(sample))
        if words >= 4:
            return "hi", f"Devanagari script, {words} Hindi function words"
    return None


def identify(text: str) -> tuple[str, str] | None:
    """(ISO 639-1 code, a description of the evidence), or None when not confident."""
    sample = text[:SAMPLE_CHARS]
    total, hits, others = _function_words(sample)
    # A letter outside the Latin script is a non-ASCII character, so it stands in one of `others`.
    if others and _NON_LATIN_LETTER.search(others):
        letters = len(_LETTER.findall(sample))
        if total < MIN_WORDS and letters < 40:      # scripts written without spaces have few "words"
            return None
        if len(_ARABIC.findall(sample)) > 0.6 * letters:
            return _arabic_script(_WORD.findall(sample))
        for script, lang in SCRIPTS:
            share = len(script.findall(sample))
            if share > 0.6 * letters:
                return lang, f"{share} of {letters} letters in its script"
        shared = _shared_script(sample, letters)
        if shared is not None:
            return shared
        if len(_LATIN.findall(sample)) < 0.9 * letters:
            return None
    if total < MIN_WORDS:
        return None
    shares = sorted(((n / total, lang) for lang, n in hits.items()), reverse=True)
    (best, lang), (second, _) = shares[0], shares[1]
    if best >= MIN_SHARE and best >= MIN_MARGIN * second:
        if lang == "id":
            # Malay and Indonesian share their commonest words; a few are spelt or used differently
            words = Counter(w.lower() for w in _WORD.findall(sample))
            ms, id_ = sum(words[w] for w in _MALAY_ONLY), sum(words[w] for w in _INDONESIAN_ONLY)
            if ms > id_:
                return "ms", f"{best:.0%} of {total} words are Malay-Indonesian function words; {ms} only Malay writes"
        return lang, f"{best:.0%} of {total} words are {lang} function words (next best {second:.0%})"
    if lang in _SLAVIC_LATIN and best >= MIN_SHARE / 2:
        # Croatian, Czech, Slovak, Polish share many short words; the letters only one of them writes say which
        counts = sorted(((sum(sample.count(ch) for ch in only), code) for code, only in _SLAVIC_LATIN.items()),
                        reverse=True)
        (top, code), (runner, _) = counts[0], counts[1]
        if top >= 3 and runner == 0 and hits[code] >= MIN_SHARE / 2 * total:
            return code, f"{hits[code]} of {total} words are {code} function words; {top} letters only {code} writes"
    return None
