"""Analytic standards as data: source grades, estimative language, handling markings.

Pure data and small functions, shared by the validator (what a cell may hold), the editor
workbooks (dropdowns), the configuration (which yardstick, which marking levels) and the
memo builders (what a memo prints and what it leaves out).

Source grading
    The Admiralty (NATO) system: a source's ``reliability`` A-F and the information's
    ``credibility`` 1-6, printed together as a grade ("B2"). F and 6 mean "cannot be
    judged"; they are never "below" a minimum grade, only reported as such.

Estimative language
    A yardstick maps likelihood terms to probability ranges. ``icd203`` is the US
    Intelligence Community Directive 203 scale (each term with its synonym), ``uk`` the
    UK Professional Head of Intelligence Assessment yardstick. :func:`language_problems`
    finds, in a judgment's text, probability words outside the chosen yardstick, a mix
    of both yardsticks, and a likelihood term in the same sentence as a confidence
    level (which ICD 203 forbids).

Handling markings
    :class:`Markings` holds a desk's ordered levels (lowest first), each with an optional
    portion mark ("U"). A row's marking ranks it; a memo's ceiling leaves out every row
    ranked above it; a memo's banner is the highest rank it includes, never below the
    desk's default.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

# --------------------------------------------------------------------------- grades

RELIABILITY = {
    "A": "completely reliable", "B": "usually reliable", "C": "fairly reliable",
    "D": "not usually reliable", "E": "unreliable", "F": "reliability cannot be judged",
}
CREDIBILITY = {
    "1": "confirmed by other sources", "2": "probably true", "3": "possibly true",
    "4": "doubtful", "5": "improbable", "6": "truth cannot be judged",
}
UNJUDGED_RELIABILITY = "F"
UNJUDGED_CREDIBILITY = "6"


def grade(reliability: str | None, credibility: str | None) -> str:
    """``B2``, ``B``, ``2`` or '' for what is given."""
    return f"{reliability or ''}{credibility or ''}"


def grade_meaning(reliability: str | None, credibility: str | None) -> str:
    """``B2: usually reliable, probably true`` (or the half that is given)."""
    parts = [RELIABILITY.get(reliability or ""), CREDIBILITY.get(credibility or "")]
    words = ", ".join(p for p in parts if p)
    code = grade(reliability, credibility)
    return f"{code}: {words}" if code else ""


MIN_GRADE_RE = re.compile(r"^([A-E])?([1-5])?$")


def grade_parts(text: str | None) -> tuple[str | None, str | None]:
    """A minimum grade: ``"C3"`` -> ``("C", "3")``, ``"B"`` -> ``("B", None)``, ``""`` ->
    ``(None, None)``; raises ValueError for anything else (F and 6 judge nothing)."""
    match = MIN_GRADE_RE.match((text or "").strip().upper())
    if not match:
        raise ValueError(f'"{text}" is not a source grade; give a reliability A-E and/or a '
                         'credibility 1-5, e.g. "C3", "B" or "2"')
    return match.group(1), match.group(2)


def below_grade(reliability: str | None, credibility: str | None,
                min_reliability: str | None, min_credibility: str | None) -> bool:
    """True when a judged half of the grade is worse than the minimum asked for.

    A blank or unjudgeable half (F, 6) is never "below": the memo says it was not judged.
    """
    if min_reliability and reliability and reliability != UNJUDGED_RELIABILITY:
        if reliability > min_reliability:
            return True
    if min_credibility and credibility and credibility != UNJUDGED_CREDIBILITY:
        if credibility > min_credibility:
            return True
    return False


# --------------------------------------------------------------------------- yardsticks


@dataclass(frozen=True)
class Term:
    term: str  # the canonical term, as memos print it
    low: int  # per cent
    high: int
    synonyms: tuple[str, ...] = ()

    @property
    def band(self) -> str:
        return f"{self.low}-{self.high}%"


@dataclass(frozen=True)
class Yardstick:
    key: str
    name: str
    terms: tuple[Term, ...]

    def find(self, text: str) -> Term | None:
        """The term ``text`` names (the term or a synonym, any case), else None."""
        wanted = " ".join(str(text).lower().split())
        for term in self.terms:
            if wanted == term.term or wanted in term.synonyms:
                return term
        return None

    def words(self) -> list[str]:
        return [w for t in self.terms for w in (t.term, *t.synonyms)]

    def legend(self) -> str:
        """One line for a memo: every term with its band."""
        bands = ", ".join(f"{t.term} {t.band}" for t in self.terms)
        return f"Likelihood ({self.name}): {bands}."


ICD203 = Yardstick("icd203", "US ICD 203", (
    Term("almost no chance", 1, 5, ("remote",)),
    Term("very unlikely", 5, 20, ("highly improbable",)),
    Term("unlikely", 20, 45, ("improbable",)),
    Term("roughly even chance", 45, 55, ("roughly even odds",)),
    Term("likely", 55, 80, ("probable",)),
    Term("very likely", 80, 95, ("highly probable",)),
    Term("almost certain", 95, 99, ("nearly certain",)),
))
UK_PHIA = Yardstick("uk", "UK probability yardstick", (
    Term("remote chance", 0, 5),
    Term("highly unlikely", 10, 20),
    Term("unlikely", 25, 35),
    Term("realistic possibility", 40, 50),
    Term("likely", 55, 75, ("probable",)),
    Term("highly likely", 80, 90),
    Term("almost certain", 95, 100),
))
YARDSTICKS = {y.key: y for y in (ICD203, UK_PHIA)}
DEFAULT_YARDSTICK = "icd203"

# Probability words that belong to neither yardstick (vague estimative language).
VAGUE_WORDS = (
    "possible", "possibly", "perhaps", "maybe", "conceivable", "conceivably", "doubtful",
    "little chance", "slight chance", "small chance", "good chance", "fair chance",
    "better than even", "toss-up", "serious possibility", "real possibility",
    "in all probability", "almost surely", "chances are",
)
CONFIDENCE_RE = re.compile(r"\b(?:high|moderate|medium|low)(?:-| )confidence\b"
                           r"|\bconfidence (?:is|was|remains) (?:high|moderate|medium|low)\b",
                           re.IGNORECASE)
_SENTENCE_RE = re.compile(r"(?<=[.!?])\s+")


@cache
def _phrases(words: tuple[str, ...]) -> re.Pattern[str]:
    """Whole-word matching of ``words``, longest first ("highly unlikely" before "unlikely");
    compiled once per word list (a workbook checks every judgment with the same ones)."""
    ordered = sorted(set(words), key=len, reverse=True)
    return re.compile(r"(?<![\w-])(" + "|".join(re.escape(w) for w in ordered)
                      + r")(?![\w-])", re.IGNORECASE)


def estimative_terms(text: str) -> list[str]:
    """Every likelihood term of either yardstick or the vague list in ``text``, lower case."""
    words = ICD203.words() + UK_PHIA.words() + list(VAGUE_WORDS)
    return [m.group(1).lower() for m in _phrases(tuple(words)).finditer(text or "")]


def language_problems(text: str, yardstick: Yardstick) -> list[str]:
    """What a judgment's wording does against ``yardstick``: each a sentence to show.

    - a probability word outside the yardstick (another yardstick's term, or vague);
    - terms of both yardsticks in one text;
    - a likelihood term and a confidence level in one sentence.
    """
    found = estimative_terms(text)
    if not found:
        return []
    other = UK_PHIA if yardstick is ICD203 else ICD203
    own = set(yardstick.words())
    theirs = set(other.words()) - own
    problems = []
    foreign = [w for w in dict.fromkeys(found) if w in theirs]
    vague = [w for w in dict.fromkeys(found) if w in VAGUE_WORDS]
    if foreign and any(w in own and w not in other.words() for w in found):
        problems.append(f"mixes the two yardsticks ({', '.join(repr(w) for w in foreign)} "
                        f"is {other.name}; this desk uses {yardstick.name})")
    elif foreign:
        problems.append(f"uses {', '.join(repr(w) for w in foreign)}, a term of the "
                        f"{other.name}; this desk uses {yardstick.name}: "
                        + ", ".join(t.term for t in yardstick.terms))
    if vague:
        problems.append(f"uses {', '.join(repr(w) for w in vague)}, which is not a term of "
                        f"the {yardstick.name}; say how likely with one of: "
                        + ", ".join(t.term for t in yardstick.terms))
    likelihood = _phrases(tuple(ICD203.words() + UK_PHIA.words()))
    for sentence in _SENTENCE_RE.split(text):
        if likelihood.search(sentence) and CONFIDENCE_RE.search(sentence):
            problems.append("puts a likelihood term and a confidence level in one sentence; "
                            "ICD 203 asks for them in separate sentences")
            break
    return problems


# --------------------------------------------------------------------------- markings


@dataclass(frozen=True)
class Markings:
    """A desk's handling levels, lowest first, and its default level (blank cells)."""

    levels: tuple[str, ...]
    portions: tuple[str, ...] = ()  # portion marks ("U", "C"), same order; may be empty
    default: str = ""  # the level of an unmarked row and the lowest banner
    portion_marks: bool = False  # print "(U)" before each paragraph and table row

    def __post_init__(self) -> None:
        if not self.levels:
            raise ValueError("a marking scheme needs at least one level")
        if self.portions and len(self.portions) != len(self.levels):
            raise ValueError("give one portion mark per level, or none")
        if not self.default:
            object.__setattr__(self, "default", self.levels[0])
        if self.default not in self.levels:
            raise ValueError(f"the default marking {self.default!r} is not one of the levels")

    @classmethod
    def single(cls, level: str) -> Markings:
        return cls((level,))

    def rank(self, value: object) -> int | None:
        """The rank of a cell's marking (a level or its portion mark, any case); blank is
        the default level; None for a value that is not a known level."""
        text = " ".join(str(value or "").split()).strip("() ").upper()
        if not text:
            return self.levels.index(self.default)
        for i, level in enumerate(self.levels):
            if text == " ".join(level.split()).upper():
                return i
        for i, mark in enumerate(self.portions):
            if text == mark.upper():
                return i
        return None

    @property
    def default_rank(self) -> int:
        return self.levels.index(self.default)

    def banner(self, ranks) -> str:
        """The banner of a memo holding rows of ``ranks``: the highest, at least the default."""
        return self.levels[max([self.default_rank, *ranks])]

    def portion(self, rank: int) -> str:
        """``(U)`` for a rank, when portion marks are configured; else ''."""
        if not self.portion_marks:
            return ""
        mark = self.portions[rank] if self.portions else self.levels[rank]
        return f"({mark})"

    def choices(self) -> list[str]:
        """What a cell may hold: every level (dropdowns list these)."""
        return list(self.levels)


CLASSIFICATION_ABBREVIATIONS = {"UNCLASSIFIED": "U", "RESTRICTED": "R", "CONFIDENTIAL": "C",
                                "SECRET": "S", "TOP SECRET": "TS"}


def short_marking(markings: Markings, banner: str) -> str:
    """A banner's short form for a mail subject: the level's portion mark when the scheme
    has portion marks ("U"); else each "//" part abbreviated, a classification to its
    letter and a caveat of several words to their initials ("UNCLASSIFIED // FOR OFFICIAL
    USE ONLY" -> "U//FOUO", "SECRET // NOFORN" -> "S//NOFORN")."""
    rank = markings.rank(banner)
    if rank is not None and markings.portions:
        return markings.portions[rank].strip("() ")
    out = []
    for part in str(banner).split("//"):
        words = part.split()
        if not words:
            continue
        joined = " ".join(words).upper()
        if joined in CLASSIFICATION_ABBREVIATIONS:
            out.append(CLASSIFICATION_ABBREVIATIONS[joined])
        elif len(words) > 1:
            out.append("".join(w[0] for w in words).upper())
        else:
            out.append(words[0])
    return "//".join(out)
