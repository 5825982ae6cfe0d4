"""The workbook contract (docs/workbook.md, for staff) as data.

Everything that knows the shape of a workbook reads it from here: the loader (header
matching), the validator (types, enums, references), the editor features of ``init``
(dropdowns, widths, the Guide sheet) and the model. Nothing here knows about any
particular topic.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from reports import tradecraft

# Column kinds.
TEXT = "text"  # free text, any script, may hold line breaks
LINE = "line"  # one line of text (titles)
SLUG = "slug"  # lower-case id: a-z 0-9 -, starting with a letter or digit
ID = "id"  # event/source ids: slug plus upper case and _
REF = "ref"  # one id of another sheet
REFS = "refs"  # list of ids of another sheet
DATE = "date"
INT = "int"
ENUM = "enum"
URL = "url"
COUNTRY = "country"
EMAIL = "email"
BOOL = "bool"
GRADE = "grade"  # a source grade: one of a fixed set, each with its meaning (A-F, 1-6)
LIKELIHOOD = "likelihood"  # a term of the desk's yardstick (reports.toml)
MARKING = "marking"  # a handling level of the desk's marking scheme (reports.toml)

SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")
COUNTRY_RE = re.compile(r"^(?:[A-Z]{3})$")
LIST_SPLIT_RE = re.compile(r"[;,\n\r]+")

COUNTRIES = ("KOR", "JPN", "USA", "PRK", "CHN", "RUS", "INT")

ACTOR_KINDS = (
    "person", "government", "ministry", "agency", "legislature", "party",
    "international-org", "company", "expert", "media", "public",
)
ISSUE_STATUSES = ("active", "dormant", "resolved")
EVENT_CATEGORIES = (
    "decision", "statement", "meeting", "negotiation", "trade-measure", "legal",
    "military", "legislative", "public-opinion", "other",
)
STANCES = ("supports", "opposes", "conditional", "neutral", "unclear")
CONFIDENCES = ("high", "medium", "low")
SOURCE_KINDS = ("news", "analysis", "official", "other")
OUTLOOK_STATUSES = ("scheduled", "expected", "possible", "deadline")
JUDGMENT_BY = ("desk", "source")  # Assessments "whose": the desk's own, or a source's


@dataclass(frozen=True)
class Column:
    name: str
    kind: str = TEXT
    required: bool = False
    help: str = ""
    example: str = ""
    enum: tuple[str, ...] = ()
    ref: str | None = None  # sheet whose key a REF/REFS column names
    default: object = None
    max_len: int | None = None
    min_value: int | None = None
    max_value: int | None = None
    width: int = 18  # column width in the editor workbook
    meanings: tuple[tuple[str, str], ...] = ()  # GRADE: (value, what it means)
    estimative: bool = False  # its text is checked for estimative language (warnings)


@dataclass(frozen=True)
class Sheet:
    name: str
    columns: tuple[Column, ...]
    help: str
    key: str | None = None  # the column holding the unique id, if any
    required: bool = True  # a missing required sheet is an error, else a warning
    unique_together: tuple[str, ...] = ()

    def column(self, name: str) -> Column:
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(name)

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)


# Optional columns of analytic tradecraft: a workbook without them reads as before.
MARKING_COLUMN = Column(
    "marking", MARKING, help="The row's handling level (a level of the desk's marking scheme, "
    "or its portion mark); blank: the desk's default. A memo never shows a row marked above "
    "its own marking.", example="UNCLASSIFIED", width=16)
LIKELIHOOD_COLUMN = Column(
    "likelihood", LIKELIHOOD, help="How likely, in a term of the desk's yardstick (US ICD 203 "
    "by default: almost no chance, very unlikely, unlikely, roughly even chance, likely, very "
    "likely, almost certain).", example="likely", width=18)
CONFIDENCE_COLUMN = Column("confidence", ENUM, help="high, medium (default) or low.",
                           example="medium", enum=CONFIDENCES, default="medium", width=12)


def _ids_of(sheet: str, example: str, width: int, help: str = "") -> Column:
    """A list column naming rows of ``sheet`` ("actors", "issues", "sources")."""
    key = sheet.lower()[:-1] + "_ids"
    return Column(sheet.lower(), REFS, help=help or f"{key}, separated by ;", example=example,
                  ref=sheet, width=width)


def normalise_name(text: object) -> str:
    """Header and sheet matching: case-insensitive, outer spaces ignored, space = underscore."""
    return re.sub(r"[\s_]+", "_", str(text).strip().lower())


SHEETS: tuple[Sheet, ...] = (
    Sheet(
        "Actors",
        key="actor_id",
        help="People, governments and bodies whose positions and actions the memos report.",
        columns=(
            Column("actor_id", SLUG, True, "Unique id: lower-case letters, digits and -.",
                   "moon-jae-in", width=22),
            Column("name", LINE, True, "Display name in English.", "Moon Jae-in", width=26),
            Column("native_name", LINE, help="Name in its own script (Hangul, Kanji).",
                   example="문재인", width=16),
            Column("country", COUNTRY, True,
                   "ISO 3166-1 alpha-3 code, or INT for international bodies.",
                   "KOR", enum=COUNTRIES, width=10),
            Column("kind", ENUM, True, "What sort of actor this is.", "person",
                   enum=ACTOR_KINDS, width=16),
            Column("title", LINE, help="Role or office at the time.", example="President",
                   width=34),
            Column("affiliation", LINE, help="Organisation, free text.",
                   example="Blue House", width=24),
            Column("notes", TEXT, help="Free text (spelling variants, context).",
                   example="Also spelled Moon Jae In.", width=40),
            MARKING_COLUMN,
        ),
    ),
    Sheet(
        "Issues",
        key="issue_id",
        help="The questions the memos follow; each position answers one issue's question.",
        columns=(
            Column("issue_id", SLUG, True, "Unique id: lower-case letters, digits and -.",
                   "trade-talks", width=20),
            Column("name", LINE, True, "Short name.", "Trade talks", width=26),
            Column("question", LINE, True, "The proposition that stances answer.",
                   "Should the trade talks resume this year?", width=50),
            Column("description", TEXT, help="Free text.", example="Background in a sentence.",
                   width=50),
            Column("status", ENUM, help="active (default), dormant or resolved.",
                   example="active", enum=ISSUE_STATUSES, default="active", width=12),
            MARKING_COLUMN,
        ),
    ),
    Sheet(
        "Events",
        key="event_id",
        help="Dated things that happened: decisions, statements, meetings, measures.",
        columns=(
            Column("event_id", ID, True, "Unique id (letters, digits, - and _).",
                   "2019-11-22-reversal", width=24),
            Column("date", DATE, True, "The day it happened: a real date or YYYY-MM-DD.",
                   "2019-11-22", width=12),
            Column("title", LINE, True, "One line, at most 200 characters.",
                   "Ministers agree to resume the trade talks", max_len=200, width=44),
            Column("summary", TEXT, help="Free text.", example="What happened, in brief.",
                   width=50),
            Column("category", ENUM, True, "What kind of event.", "decision",
                   enum=EVENT_CATEGORIES, width=16),
            _ids_of("Actors", "moon-jae-in", 26),
            _ids_of("Issues", "trade-talks", 20),
            Column("location", LINE, help="Where, free text.", example="Seoul", width=14),
            Column("significance", INT, help="Whole number 1-5, 5 highest; blank means 3.",
                   example="5", default=3, min_value=1, max_value=5, width=13),
            _ids_of("Sources", "kyodo-reversal", 24),
            MARKING_COLUMN,
        ),
    ),
    Sheet(
        "Positions",
        help="One row per stated position at a point in time; the latest row per actor "
        "and issue is the current stance, earlier rows are its history.",
        unique_together=("actor_id", "issue_id", "as_of"),
        columns=(
            Column("actor_id", REF, True, "An actor_id of Actors.", "moon-jae-in",
                   ref="Actors", width=22),
            Column("issue_id", REF, True, "An issue_id of Issues.", "trade-talks", ref="Issues",
                   width=18),
            Column("as_of", DATE, True, "The day the position was stated.", "2019-11-19",
                   width=12),
            Column("stance", ENUM, True, "The answer to the issue's question.", "conditional",
                   enum=STANCES, width=13),
            Column("summary", TEXT, True, "The position in one or two sentences.",
                   "Will seek to avoid expiry until the last moment.", width=50),
            Column("quote", TEXT, help="Verbatim words, if any.", example="", width=40),
            _ids_of("Sources", "kyodo-reversal", 24),
            CONFIDENCE_COLUMN,
            MARKING_COLUMN,
        ),
    ),
    Sheet(
        "Sources",
        key="source_id",
        help="The documents the facts come from; memos cite them by number.",
        columns=(
            Column("source_id", ID, True, "Unique id (letters, digits, - and _).",
                   "kyodo-reversal", width=24),
            Column("outlet", LINE, True, "Publisher.", "Kyodo News", width=24),
            Column("title", LINE, True, "Headline or document title.",
                   "South Korea reverses decision to terminate intel-sharing pact", width=50),
            Column("url", URL, help="http or https URL only.",
                   example="https://example.org/article", width=30),
            Column("published", DATE, help="Date of publication.", example="2019-11-22",
                   width=12),
            Column("kind", ENUM, help="news, analysis, official or other.", example="news",
                   enum=SOURCE_KINDS, width=10),
            Column("reliability", GRADE, help="How reliable the source is (Admiralty grading): "
                   "A completely reliable ... E unreliable, F cannot be judged; blank: not "
                   "graded.", example="B", enum=tuple(tradecraft.RELIABILITY),
                   meanings=tuple(tradecraft.RELIABILITY.items()), width=11),
            Column("credibility", GRADE, help="How credible this information is: 1 confirmed "
                   "by other sources ... 5 improbable, 6 cannot be judged; blank: not graded.",
                   example="2", enum=tuple(tradecraft.CREDIBILITY),
                   meanings=tuple(tradecraft.CREDIBILITY.items()), width=11),
            MARKING_COLUMN,
        ),
    ),
    Sheet(
        "Outlook",
        help="Things ahead: scheduled meetings, deadlines, expected decisions.",
        required=False,
        columns=(
            Column("date", DATE, help="Date; blank when not yet scheduled.",
                   example="2019-12-24", width=12),
            Column("item", TEXT, True, "What is expected.",
                   "Trilateral summit in Chengdu", width=50, estimative=True),
            _ids_of("Issues", "trade-talks", 20),
            _ids_of("Actors", "shinzo-abe", 26),
            Column("status", ENUM, help="scheduled, expected (default), possible, deadline.",
                   example="expected", enum=OUTLOOK_STATUSES, default="expected", width=12),
            _ids_of("Sources", "nhk-explainer", 24),
            LIKELIHOOD_COLUMN,
            MARKING_COLUMN,
        ),
    ),
    Sheet(
        "Assessments",
        help="Judgments: the desk's own, which memos lead with, and outside commentary "
        "(whose = source), which memos label as such.",
        required=False,
        columns=(
            Column("as_of", DATE, True, "The day of the judgment.", "2019-11-25", width=12),
            Column("issue_id", REF, help="An issue_id, or blank for an overall judgment.",
                   example="trade-talks", ref="Issues", width=18),
            Column("judgment", TEXT, True, "The judgment, in a few sentences.",
                   "The extension buys time but settles nothing.", width=60, estimative=True),
            CONFIDENCE_COLUMN,
            Column("author", LINE, help="Who made the judgment.", example="Desk analyst",
                   width=26),
            Column("whose", ENUM, help="Whose judgment it is: desk (default), the desk's own, "
                   "which memos lead with; or source, outside commentary (name it in author), "
                   "which memos label as such and never put in the bottom line.",
                   example="desk", enum=JUDGMENT_BY, default="desk", width=10),
            _ids_of("Sources", "pacnet-68", 24, "source_ids the judgment rests on."),
            LIKELIHOOD_COLUMN,
            MARKING_COLUMN,
        ),
    ),
)

# The optional Distribution sheet: who receives which memo (reports/delivery/recipients.py).
DISTRIBUTION = Sheet(
    "Distribution",
    help="Who receives which memo by email. Overrides reports.toml recipients when present.",
    required=False,
    columns=(
        Column("memo_id", LINE, True, "A memo id from reports.toml.", "weekly", width=20),
        Column("name", LINE, True, "Recipient's name.", "Desk Officer", width=24),
        Column("email", EMAIL, True, "Email address.", "desk@example.org", width=30),
        Column("active", BOOL, help="yes/no; blank means yes.", example="yes", default=True,
               width=10),
    ),
)

ALL_SHEETS: tuple[Sheet, ...] = SHEETS + (DISTRIBUTION,)
SHEETS_BY_NAME = {s.name: s for s in ALL_SHEETS}


def sheet(name: str) -> Sheet:
    return SHEETS_BY_NAME[name]
