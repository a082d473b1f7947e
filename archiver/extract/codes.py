"""Story codes: the outlet's own article id under its label, digits made ASCII.

Only a line that begins with a story-code label counts ("Story Code: 1125546", "News ID: 84512",
"کد خبر: ۱۲۳۴۵۶", "رقم الخبر: 77"); numbers anywhere else (journalist ids, editor codes, phone
numbers, figures in the body) are never story codes.
"""
from __future__ import annotations

import re

from archiver.extract.outlets import story_code_labels

GENERIC_LABELS = ["Story Code", "Story ID", "Story No", "News ID", "News Code", "NewsCode", "News Code",
                  "News No", "News Number", "Article ID", "Article Code", "Post ID", "Content ID",
                  "کد خبر", "کد مطلب", "شناسه خبر", "شماره خبر", "رقم الخبر", "رمز الخبر", "معرف الخبر",
                  "Code de l'article", "Référence"]
LABELS = sorted(set(GENERIC_LABELS) | set(story_code_labels()), key=len, reverse=True)
# The code alone on its line, or followed by a separator and more ("News ID: 497812 - Sunday, March 31,
# 2024 - 10:15"): such a code counts only when what follows is a date stamp (the caller checks).
LABEL = re.compile(r"^(?:" + "|".join(re.escape(x) for x in LABELS) + r")\s*(?:[:#.：]|no\.?)?\s*"
                   r"(?P<code>\d{3,16})\s*(?:$|[-–—|]\s*(?P<rest>\S.*)$)", re.I)


def story_code(text: str) -> str | None:
    """The code of a line that holds a labelled code alone."""
    parts = story_code_parts(text)
    return parts[0] if parts and parts[1] is None else None


def story_code_parts(text: str) -> tuple[str, str | None] | None:
    """(code, None) for a code alone; (code, the rest of the line) for a code followed by more."""
    m = LABEL.match(text)
    return (m.group("code"), m.group("rest")) if m else None
