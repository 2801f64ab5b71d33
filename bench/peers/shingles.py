"""Word 5-gram shingles as dedupe defines them, approximated in Python.

dedupe's words are the Unicode UAX#29 word segments that contain at least one alphanumeric
character, lower-cased. Python's standard library has no UAX#29 segmenter, so WORD_RE below is an
APPROXIMATION of it: runs of word characters (\\w, which includes digits and "_"), joined across a
single "." "'" "’" ":" "·" between two letters (UAX#29 rules WB6/WB7) or a single "." "," ";" "'"
"’" between two digits (WB11/WB12). It agrees with UAX#29 on ordinary English and news text,
including "u.s.", "can't", "1,000" and "3.5"; it differs on scripts that UAX#29 segments per
character (CJK ideographs, Thai), on Hebrew-letter rules and on a few rare punctuation marks.
compare.py measures the agreement on the actual corpus against Rust's `unicode_words()` (the
gaoya peer's `--tokens` mode) and prints it.

A document with 1..4 words has one shingle made of all its words; 0 words gives the empty set
(never part of a pair). Shingles are the words joined by one space.
"""
import re

WORD_RE = re.compile(
    r"\w+(?:(?:(?<=[^\W\d_])[.'\u2019:\u00b7](?=[^\W\d_])|(?<=\d)[.,;'\u2019](?=\d))\w+)*"
)


def words(text):
    return [w for w in WORD_RE.findall(text.lower()) if any(c.isalnum() for c in w)]


def shingles(text, k=5):
    """List of shingles (may repeat); use set(...) for the shingle set."""
    ws = words(text)
    if not ws:
        return []
    if len(ws) < k:
        return [" ".join(ws)]
    return [" ".join(ws[i:i + k]) for i in range(len(ws) - k + 1)]
