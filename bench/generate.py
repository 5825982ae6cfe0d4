"""Generate contract workbooks of any size for the benchmark, deterministically from a seed.

    python bench/generate.py 50000 [--seed 1] [--out PATH]

A workbook of N events holds 500 actors, 30 issues, 2,000 sources, positions with
history (40% of N rows, several per actor and issue), N/500 outlook items (at least 20)
and N/100 assessments (at least 20). The optional tradecraft columns are there too: most
sources graded (reliability A-F, credibility 1-6 typed as numbers, as Excel stores
them), a likelihood on most assessments and some outlook items, and a marking on every
sheet (mostly blank, some rows marked at the default level in either case). Text lengths
follow the bundled workbook (titles of about 75 characters, summaries of 80 to 400, some
with line breaks); about one text in ten holds Hangul or Kanji, and Korean, Japanese and
Chinese actors have native names. Actor and issue popularity is skewed (a few actors and
issues carry most events), as in a real desk's workbook. Events run from 2000 to the end
of 2019.

The file is written the way Excel saves one: shared strings, real date cells (a date
number format), one sheet part per contract sheet, plus an ignored Guide sheet and one
extra column. It is streamed straight into the zip (no openpyxl), so 200,000 events take
seconds, not minutes. Files are cached under ``bench/.cache/`` keyed by size, seed and
generator version; the same size and seed always give the same bytes.
"""

from __future__ import annotations

import argparse
import bisect
import itertools
import random
import sys
import zipfile
from datetime import date, timedelta
from pathlib import Path
from xml.sax.saxutils import escape

HERE = Path(__file__).resolve().parent
CACHE = HERE / ".cache"
VERSION = 3  # bump when the generated content changes, so cached files are remade
DEFAULT_SEED = 20191122

N_ACTORS = 500
N_ISSUES = 30
N_SOURCES = 2000
POSITION_SHARE = 0.4
FIRST_DAY = date(2000, 1, 1)
LAST_DAY = date(2019, 12, 31)
AS_OF = date(2019, 11, 29)  # the date the benchmark builds memos for
EXCEL_EPOCH = date(1899, 12, 30)
ZIP_TIME = (2019, 11, 22, 0, 0, 0)

# -- vocabulary -------------------------------------------------------------------------

WORDS = (
    "Seoul Tokyo Washington Beijing Pyongyang ministry officials said export controls "
    "agreement intelligence sharing talks summit bilateral trilateral semiconductor "
    "materials photoresist hydrogen fluoride WTO complaint whitelist preferential trade "
    "partners wartime labor court ruling compensation assets seizure Supreme Court "
    "National Assembly Diet defense minister foreign spokesperson briefing statement "
    "press conference delegation negotiators director-general vice-minister working-level "
    "consultations review deadline notice termination extension suspension conditional "
    "alliance security cooperation missile launch radar incident destroyer patrol aircraft "
    "fisheries boycott tourism survey approval rating opposition party ruling coalition "
    "resolution sanctions dialogue envoy visit meeting sidelines G20 ASEAN APEC "
    "Blue House Kantei cabinet secretary chief prime president deputy national security "
    "office adviser delegation reversal backlash pressure US State Department Pentagon "
    "the of and to in on for with by as at from that over after before its their "
    "new fresh further renewed first second third final last week month year "
    "announced confirmed rejected urged warned agreed proposed demanded called rejected "
    "talks stalled resumed collapsed progressed narrowed widened eased tightened "
    "measure measures decision decisions exports imports firms companies industry "
    "Samsung SK Hynix Mitsubishi Nippon Steel Toyota Hyundai chaebol keiretsu "
    "& U.S.-Japan Japan-ROK \"comfort women\" 'history' issue issues relations ties "
    "crisis dispute row standoff thaw rapprochement détente"
).split()
CJK_PHRASES = (
    "한일 관계", "수출 규제", "지소미아 종료", "강제징용 판결", "화이트리스트 배제",
    "외교부 대변인", "청와대 국가안보실", "日韓関係", "輸出管理の厳格化", "徴用工問題",
    "軍事情報包括保護協定", "経済産業省", "外務省報道官", "首相官邸", "安全保障",
    "「ホワイト国」除外", "『対話の継続』", "'한일 정상회담'",
)
CATEGORIES = ("decision", "statement", "meeting", "negotiation", "trade-measure", "legal",
              "military", "legislative", "public-opinion", "other")
CATEGORY_WEIGHTS = (10, 30, 18, 10, 8, 6, 5, 5, 4, 4)
SIGNIFICANCE_WEIGHTS = (28, 30, 24, 12, 6)  # 1..5
STANCES = ("supports", "opposes", "conditional", "neutral", "unclear")
CONFIDENCES = ("high", "medium", "low")
SOURCE_KINDS = ("news", "analysis", "official", "other")
OUTLOOK_STATUSES = ("scheduled", "expected", "possible", "deadline")
RELIABILITIES = ("A", "B", "B", "C", "C", "C", "D", "E", "F")
LIKELIHOODS = ("almost no chance", "very unlikely", "unlikely", "roughly even chance",
               "likely", "very likely", "almost certain", "probable", "Likely")
MARKINGS = (None, None, None, None, None, None, "UNCLASSIFIED", "unclassified")
LOCATIONS = ("Seoul", "Tokyo", "Washington", "Beijing", "Geneva", "Osaka", "Busan",
             "Bangkok", "Chengdu", "Nagoya", "New York", "서울", "東京")
OUTLETS = ("Kyodo News", "NHK World", "The Japan Times", "The Korea Herald", "Yonhap",
           "Asahi Shimbun", "Nikkei Asia", "Chosun Ilbo", "JoongAng Ilbo", "Reuters",
           "Associated Press", "Pacific Forum", "CSIS", "Ministry of Foreign Affairs (JPN)",
           "Ministry of Foreign Affairs (KOR)", "연합뉴스", "朝日新聞")

ISSUES = (
    ("gsomia", "GSOMIA renewal", "Should the Japan-ROK GSOMIA stay in force?"),
    ("export-controls", "Japan's export controls",
     "Should Japan lift its tightened export controls on South Korea?"),
    ("whitelist", "Trade whitelist", "Should each country restore the other's preferred "
     "trading status?"),
    ("wto-complaint", "WTO complaint", "Should South Korea pursue its WTO complaint?"),
    ("wartime-labor", "Wartime labor rulings", "Should Japanese firms compensate wartime "
     "laborers as the Korean Supreme Court ordered?"),
    ("trilateral-security", "Trilateral security cooperation",
     "Should US-Japan-ROK security cooperation deepen?"),
    ("export-dialogue", "Export control dialogue", "Should the export control dialogue "
     "resume?"),
)
TOPICS = ("fisheries", "dokdo-takeshima", "comfort-women", "textbooks", "radar-incident",
          "tourism", "boycott", "semiconductors", "north-korea-missiles", "olympics",
          "visa-policy", "rising-sun-flag", "sado-mine", "fukushima-water", "hydrogen-fluoride",
          "yasukuni", "history-foundation", "labor-assets", "air-defense", "naval-exercises",
          "summit-diplomacy", "trade-balance", "investment")

KOR_SURNAMES = (("Kim", "김"), ("Lee", "이"), ("Park", "박"), ("Choi", "최"), ("Jung", "정"),
                ("Kang", "강"), ("Cho", "조"), ("Yoon", "윤"), ("Jang", "장"), ("Lim", "임"),
                ("Han", "한"), ("Oh", "오"), ("Seo", "서"), ("Shin", "신"), ("Kwon", "권"))
KOR_SYLLABLES = (("min", "민"), ("jun", "준"), ("seo", "서"), ("yeon", "연"), ("ji", "지"),
                 ("hoon", "훈"), ("woo", "우"), ("hyun", "현"), ("soo", "수"), ("young", "영"),
                 ("jae", "재"), ("sung", "성"), ("eun", "은"), ("ho", "호"), ("jin", "진"))
JPN_SURNAMES = (("Sato", "佐藤"), ("Suzuki", "鈴木"), ("Takahashi", "高橋"), ("Tanaka", "田中"),
                ("Watanabe", "渡辺"), ("Ito", "伊藤"), ("Yamamoto", "山本"),
                ("Nakamura", "中村"), ("Kobayashi", "小林"), ("Kato", "加藤"),
                ("Yoshida", "吉田"), ("Yamada", "山田"), ("Matsumoto", "松本"),
                ("Inoue", "井上"), ("Kimura", "木村"), ("Hayashi", "林"), ("Shimizu", "清水"),
                ("Yamaguchi", "山口"), ("Mori", "森"), ("Ikeda", "池田"), ("Hashimoto", "橋本"),
                ("Abe", "阿部"), ("Ishikawa", "石川"), ("Ogawa", "小川"), ("Fujita", "藤田"))
JPN_GIVEN = (("Hiroshi", "博"), ("Takeshi", "武"), ("Kenji", "健二"), ("Yuki", "由紀"),
             ("Akira", "明"), ("Satoshi", "聡"), ("Naoko", "直子"), ("Makoto", "誠"),
             ("Taro", "太郎"), ("Ichiro", "一郎"), ("Haruka", "遥"), ("Shinji", "真司"),
             ("Hideki", "秀樹"), ("Kazuo", "和夫"), ("Masahiro", "正博"), ("Tomomi", "朋美"),
             ("Koichi", "浩一"), ("Daisuke", "大輔"), ("Yusuke", "雄介"), ("Emi", "恵美"),
             ("Ryo", "亮"), ("Sachiko", "幸子"), ("Noriko", "典子"), ("Tetsuya", "哲也"))
CHN_SURNAMES = (("Wang", "王"), ("Li", "李"), ("Zhang", "张"), ("Liu", "刘"), ("Chen", "陈"),
                ("Yang", "杨"))
CHN_GIVEN = (("Wei", "伟"), ("Fang", "芳"), ("Min", "敏"), ("Jing", "静"), ("Qiang", "强"),
             ("Lei", "磊"))
WESTERN_GIVEN = ("John", "Sarah", "David", "Emily", "Michael", "Laura", "James", "Mark",
                 "Susan", "Robert", "Karen", "Daniel", "Victor", "Helen", "Thomas", "Julia",
                 "Peter", "Maria", "Andrew", "Claire")
WESTERN_FAMILY = ("Miller", "Johnson", "Brown", "Davis", "Wilson", "Garcia", "Taylor",
                  "Anderson", "Cha", "Snyder", "Green", "Cronin", "Glosserman", "Smith",
                  "Moore", "Clark", "Lewis", "Walker", "Young", "King")
RUSSIAN_GIVEN = ("Sergei", "Anna", "Igor", "Alexander", "Georgy", "Olga", "Dmitri", "Elena")
RUSSIAN_FAMILY = ("Ivanov", "Petrov", "Morgulov", "Panov", "Toloraya", "Smirnov", "Lavrov",
                  "Kozlov")
ORGS = {
    "KOR": (("Ministry of Foreign Affairs", "외교부", "ministry"),
            ("Ministry of National Defense", "국방부", "ministry"),
            ("Ministry of Trade, Industry and Energy", "산업통상자원부", "ministry"),
            ("National Assembly", "국회", "legislature"),
            ("Democratic Party", "더불어민주당", "party"),
            ("Supreme Court of Korea", "대법원", "agency")),
    "JPN": (("Ministry of Foreign Affairs", "外務省", "ministry"),
            ("Ministry of Defense", "防衛省", "ministry"),
            ("Ministry of Economy, Trade and Industry", "経済産業省", "ministry"),
            ("National Diet", "国会", "legislature"),
            ("Liberal Democratic Party", "自由民主党", "party"),
            ("Prime Minister's Office", "首相官邸", "government")),
}
COUNTRY_WEIGHTS = (("KOR", 35), ("JPN", 35), ("USA", 12), ("CHN", 6), ("PRK", 4),
                   ("RUS", 3), ("INT", 5))
AFFILIATIONS = ("Blue House (Cheong Wa Dae)", "Ministry of Foreign Affairs", "Kookmin University",
                "Asan Institute for Policy Studies", "Keio University", "Japan Institute of "
                "International Affairs", "Sejong Institute", "Pacific Forum", "CSIS",
                "Liberal Democratic Party", "Democratic Party of Korea", "Keidanren",
                "Korea International Trade Association", "National Assembly", "外務省",
                "국립외교원")
PERSON_KINDS = ("person", "person", "person", "expert", "media")
TITLES = ("Minister", "Vice-Minister", "Director-General", "Spokesperson", "Ambassador",
          "Professor", "Senior Fellow", "Lawmaker", "Chief Secretary", "Deputy Director",
          "Chief Executive", "Correspondent", "Special Envoy")


# -- text -------------------------------------------------------------------------------

class Text:
    """Random text of a given length from the vocabulary, with some CJK and line breaks."""

    def __init__(self, rng: random.Random):
        self.rng = rng

    def words(self, chars: int) -> str:
        rng = self.rng
        out: list[str] = []
        total = 0
        while total < chars:
            chunk = rng.choices(WORDS, k=12)
            for w in chunk:
                out.append(w)
                total += len(w) + 1
                if total >= chars:
                    break
        text = " ".join(out)
        return text[0].upper() + text[1:]

    def line(self, mean: int, spread: int, cjk: float = 0.1) -> str:
        rng = self.rng
        text = self.words(max(12, int(rng.gauss(mean, spread))))
        if rng.random() < cjk:
            text = f"{text} ({rng.choice(CJK_PHRASES)})"
        return text

    def paragraph(self, low: int, high: int, cjk: float = 0.1, breaks: float = 0.1) -> str:
        rng = self.rng
        text = self.words(rng.randint(low, high)) + "."
        if rng.random() < cjk:
            text = f"{text} {rng.choice(CJK_PHRASES)}: {self.words(rng.randint(20, 60))}."
        if rng.random() < breaks:
            text = f"{text}\n{self.words(rng.randint(30, 120))}."
        return text


def _weights(n: int, exponent: float) -> list[float]:
    """Cumulative Zipf-like weights: rank k gets 1 / k**exponent."""
    return list(itertools.accumulate(1 / (k + 1) ** exponent for k in range(n)))


def _pick(rng: random.Random, items: list, cum: list[float], k: int) -> list:
    """``k`` distinct items drawn by cumulative weight ``cum`` (order of drawing)."""
    chosen: list = []
    total = cum[-1]
    while len(chosen) < k:
        item = items[bisect.bisect(cum, rng.random() * total)]
        if item not in chosen:
            chosen.append(item)
    return chosen


def _day(rng: random.Random, first: date = FIRST_DAY, last: date = LAST_DAY) -> date:
    return first + timedelta(days=rng.randint(0, (last - first).days))


# -- records ----------------------------------------------------------------------------

def records(n_events: int, seed: int = DEFAULT_SEED) -> dict[str, list[list]]:
    """Every sheet as rows (header first), for ``n_events`` events."""
    rng = random.Random(f"{seed}:{n_events}:{VERSION}")
    text = Text(rng)
    actors = _actors(rng, text)
    actor_ids = [a[0] for a in actors[1:]]
    issues = _issues(rng, text)
    issue_ids = [i[0] for i in issues[1:]]
    sources = _sources(rng, text)
    source_ids = [s[0] for s in sources[1:]]
    events = _events(rng, text, n_events, actor_ids, issue_ids, source_ids)
    positions = _positions(rng, text, round(n_events * POSITION_SHARE), actor_ids, issue_ids,
                           source_ids)
    outlook = _outlook(rng, text, max(20, n_events // 500), actor_ids, issue_ids, source_ids)
    assessments = _assessments(rng, text, max(20, n_events // 100), issue_ids, source_ids)
    return {"Actors": actors, "Issues": issues, "Events": events, "Positions": positions,
            "Sources": sources, "Outlook": outlook, "Assessments": assessments}


def ids(n_events: int, seed: int = DEFAULT_SEED) -> tuple[list[str], list[str]]:
    """The actor and issue ids of the workbook :func:`records` makes, most used first."""
    rng = random.Random(f"{seed}:{n_events}:{VERSION}")
    text = Text(rng)
    actors = _actors(rng, text)  # drawn first, as in records()
    issues = _issues(rng, text)
    return [a[0] for a in actors[1:]], [i[0] for i in issues[1:]]


def _actors(rng: random.Random, text: Text) -> list[list]:
    rows: list[list] = [["actor_id", "name", "native_name", "country", "kind", "title",
                         "affiliation", "notes", "marking"]]
    countries = [c for c, _ in COUNTRY_WEIGHTS]
    cum = list(itertools.accumulate(w for _, w in COUNTRY_WEIGHTS))
    seen: set[str] = set()
    orgs = [(c, *o) for c, group in ORGS.items() for o in group]
    for i in range(N_ACTORS):
        if i < len(orgs):
            country, name, native, kind = orgs[i]
        else:
            country = countries[bisect.bisect(cum, rng.random() * cum[-1])]
            kind = rng.choice(PERSON_KINDS)
            name, native = _person(rng, country)
        slug = "-".join("".join(ch for ch in part if ch.isalnum() or ch == "-")
                        for part in name.lower().replace(",", "").split())
        slug = "-".join(p for p in slug.split("-") if p)
        actor_id = slug if slug not in seen else f"{slug}-{i}"
        seen.add(actor_id)
        title = rng.choice(TITLES) if kind in ("person", "expert", "media") else None
        affiliation = rng.choice(OUTLETS) if kind == "media" else (
            rng.choice(AFFILIATIONS) if rng.random() < 0.6 else None)
        notes = text.paragraph(30, 120, cjk=0.2, breaks=0.05) if rng.random() < 0.4 else None
        rows.append([actor_id, name, native, country, kind, title, affiliation, notes,
                     rng.choice(MARKINGS)])
    return rows


def _person(rng: random.Random, country: str) -> tuple[str, str | None]:
    if country in ("KOR", "PRK"):
        (sur, sur_n), (a, a_n), (b, b_n) = (rng.choice(KOR_SURNAMES), rng.choice(KOR_SYLLABLES),
                                            rng.choice(KOR_SYLLABLES))
        return f"{sur} {a.capitalize()}-{b}", sur_n + a_n + b_n
    if country == "JPN":
        (sur, sur_n), (given, given_n) = rng.choice(JPN_SURNAMES), rng.choice(JPN_GIVEN)
        return f"{given} {sur}", sur_n + given_n
    if country == "CHN":
        (sur, sur_n), (given, given_n) = rng.choice(CHN_SURNAMES), rng.choice(CHN_GIVEN)
        return f"{sur} {given}", sur_n + given_n
    if country == "RUS":
        return f"{rng.choice(RUSSIAN_GIVEN)} {rng.choice(RUSSIAN_FAMILY)}", None
    return f"{rng.choice(WESTERN_GIVEN)} {rng.choice(WESTERN_FAMILY)}", None


def _issues(rng: random.Random, text: Text) -> list[list]:
    rows: list[list] = [["issue_id", "name", "question", "description", "status", "marking"]]
    for i in range(N_ISSUES):
        if i < len(ISSUES):
            issue_id, name, question = ISSUES[i]
        else:
            topic = TOPICS[(i - len(ISSUES)) % len(TOPICS)]
            issue_id = topic
            name = topic.replace("-", " ").capitalize()
            question = f"Should {name.lower()} be settled on the current terms?"
        status = "active" if i < 24 else ("dormant" if i < 28 else "resolved")
        rows.append([issue_id, name, question, text.paragraph(100, 300, cjk=0.2), status,
                     rng.choice(MARKINGS)])
    return rows


def _sources(rng: random.Random, text: Text) -> list[list]:
    rows: list[list] = [["source_id", "outlet", "title", "url", "published", "kind",
                         "reliability", "credibility", "marking"]]
    for i in range(N_SOURCES):
        outlet = rng.choice(OUTLETS)
        published = _day(rng) if rng.random() < 0.95 else None
        url = (f"https://news.example.org/{published.year if published else 'n'}/"
               f"article-{i:05d}" if rng.random() < 0.85 else None)
        graded = rng.random() < 0.7
        rows.append([f"src-{i:05d}", outlet, text.line(60, 15, cjk=0.1), url, published,
                     rng.choice(SOURCE_KINDS), rng.choice(RELIABILITIES) if graded else None,
                     rng.randint(1, 6) if graded else None, rng.choice(MARKINGS)])
    return rows


def _events(rng: random.Random, text: Text, n: int, actor_ids: list[str],
            issue_ids: list[str], source_ids: list[str]) -> list[list]:
    rows: list[list] = [["event_id", "date", "title", "summary", "category", "actors",
                         "issues", "location", "significance", "sources", "analyst_note",
                         "marking"]]
    actor_cum = _weights(len(actor_ids), 0.9)
    issue_cum = _weights(len(issue_ids), 0.8)
    source_cum = _weights(len(source_ids), 0.3)
    category_cum = list(itertools.accumulate(CATEGORY_WEIGHTS))
    sig_cum = list(itertools.accumulate(SIGNIFICANCE_WEIGHTS))
    days = (LAST_DAY - FIRST_DAY).days
    for i in range(n):
        day = FIRST_DAY + timedelta(days=int(rng.random() ** 0.8 * days))  # denser lately
        actors = _pick(rng, actor_ids, actor_cum, rng.choice((1, 1, 2, 2, 2, 3)))
        issues = _pick(rng, issue_ids, issue_cum, rng.choice((1, 1, 1, 2, 2)))
        sources = _pick(rng, source_ids, source_cum, rng.choice((1, 1, 2, 2, 3)))
        # every actor, issue and source is used at least once (no "unused" warnings)
        if i < len(actor_ids) and actor_ids[i] not in actors:
            actors.append(actor_ids[i])
        if i < len(issue_ids) and issue_ids[i] not in issues:
            issues.append(issue_ids[i])
        if i < len(source_ids) and source_ids[i] not in sources:
            sources.append(source_ids[i])
        category = CATEGORIES[bisect.bisect(category_cum, rng.random() * category_cum[-1])]
        significance = bisect.bisect(sig_cum, rng.random() * sig_cum[-1]) + 1
        rows.append([
            f"EV-{i:06d}", day, text.line(75, 20), text.paragraph(80, 400),
            category, "; ".join(actors), "; ".join(issues),
            rng.choice(LOCATIONS) if rng.random() < 0.4 else None,
            significance if rng.random() < 0.9 else None,  # blank means 3
            "; ".join(sources),
            text.words(rng.randint(15, 60)) if rng.random() < 0.2 else None,
            rng.choice(MARKINGS),
        ])
    return rows


def _positions(rng: random.Random, text: Text, n: int, actor_ids: list[str],
               issue_ids: list[str], source_ids: list[str]) -> list[list]:
    rows: list[list] = [["actor_id", "issue_id", "as_of", "stance", "summary", "quote",
                         "sources", "confidence", "marking"]]
    actor_cum = _weights(len(actor_ids), 0.9)
    issue_cum = _weights(len(issue_ids), 0.8)
    source_cum = _weights(len(source_ids), 0.3)
    history: dict[tuple[str, str], set[date]] = {}
    for _ in range(n):
        pair = (_pick(rng, actor_ids, actor_cum, 1)[0], _pick(rng, issue_ids, issue_cum, 1)[0])
        days = history.setdefault(pair, set())
        day = _day(rng, FIRST_DAY, LAST_DAY)
        while day in days:  # (actor, issue, as_of) is unique
            day += timedelta(days=1)
        days.add(day)
    for (actor_id, issue_id), days in history.items():
        stance = rng.choice(STANCES)
        for day in sorted(days):
            if rng.random() < 0.3:  # otherwise a restatement
                stance = rng.choice(STANCES)
            rows.append([
                actor_id, issue_id, day, stance, text.paragraph(50, 160, breaks=0.02),
                text.paragraph(30, 140, breaks=0) if rng.random() < 0.3 else None,
                "; ".join(_pick(rng, source_ids, source_cum, rng.choice((1, 1, 2)))),
                rng.choice(CONFIDENCES) if rng.random() < 0.7 else None,
                rng.choice(MARKINGS),
            ])
    body = rows[1:]
    rng.shuffle(body)  # rows are entered over time, not sorted by actor
    return rows[:1] + body


def _outlook(rng: random.Random, text: Text, n: int, actor_ids: list[str],
             issue_ids: list[str], source_ids: list[str]) -> list[list]:
    rows: list[list] = [["date", "item", "issues", "actors", "status", "sources",
                         "likelihood", "marking"]]
    for _ in range(n):
        day = _day(rng, AS_OF - timedelta(days=60), AS_OF + timedelta(days=180))
        rows.append([
            day if rng.random() < 0.8 else None, text.paragraph(40, 160, breaks=0),
            "; ".join(rng.sample(issue_ids[:12], rng.randint(1, 2))),
            "; ".join(rng.sample(actor_ids[:60], rng.randint(0, 3))) or None,
            rng.choice(OUTLOOK_STATUSES),
            "; ".join(rng.sample(source_ids, rng.randint(1, 2))),
            rng.choice(LIKELIHOODS) if rng.random() < 0.3 else None,
            rng.choice(MARKINGS),
        ])
    return rows


def _assessments(rng: random.Random, text: Text, n: int, issue_ids: list[str],
                 source_ids: list[str]) -> list[list]:
    rows: list[list] = [["as_of", "issue_id", "judgment", "confidence", "author", "sources",
                         "likelihood", "marking"]]
    for _ in range(n):
        rows.append([
            _day(rng, FIRST_DAY, AS_OF), rng.choice(issue_ids) if rng.random() < 0.8 else None,
            text.paragraph(120, 500, breaks=0.15), rng.choice(CONFIDENCES),
            rng.choice(("Desk analyst", "Senior analyst", "Deputy head of desk", None)),
            "; ".join(rng.sample(source_ids, rng.randint(1, 3))),
            rng.choice(LIKELIHOODS) if rng.random() < 0.8 else None,
            rng.choice(MARKINGS),
        ])
    return rows


# -- xlsx writer ------------------------------------------------------------------------

NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RNS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PNS = "http://schemas.openxmlformats.org/package/2006/relationships"
XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
STYLES = (
    XML_HEAD + f'<styleSheet xmlns="{NS}"><numFmts count="1"><numFmt numFmtId="164" '
    'formatCode="yyyy-mm-dd"/></numFmts><fonts count="2"><font><sz val="11"/>'
    '<name val="Calibri"/><family val="2"/></font><font><b/><sz val="11"/><name val="Calibri"/>'
    '<family val="2"/></font></fonts><fills count="2"><fill><patternFill patternType="none"/>'
    '</fill><fill><patternFill patternType="gray125"/></fill></fills><borders count="1">'
    '<border><left/><right/><top/><bottom/><diagonal/></border></borders><cellStyleXfs '
    'count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" applyAlignment="1">'
    '<alignment wrapText="1" vertical="top"/></xf></cellXfs><cellStyles count="1">'
    '<cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>')
DATE_STYLE, HEADER_STYLE, WRAP_STYLE = 1, 2, 3
GUIDE = [["About this workbook"],
         ["Generated for the benchmark by bench/generate.py; the loader ignores this sheet."]]


def _letters(n: int) -> list[str]:
    from openpyxl.utils import get_column_letter

    return [get_column_letter(i + 1) for i in range(n)]


class SharedStrings:
    def __init__(self) -> None:
        self.index: dict[str, int] = {}
        self.count = 0

    def __call__(self, text: str) -> int:
        self.count += 1
        i = self.index.get(text)
        if i is None:
            i = self.index[text] = len(self.index)
        return i

    def xml(self) -> bytes:
        parts = [XML_HEAD, f'<sst xmlns="{NS}" count="{self.count}" '
                 f'uniqueCount="{len(self.index)}">']
        for text in self.index:
            space = ' xml:space="preserve"' if (text != text.strip() or "\n" in text) else ""
            parts.append(f"<si><t{space}>{escape(text)}</t></si>")
        parts.append("</sst>")
        return "".join(parts).encode("utf-8")


def _sheet_chunks(rows: list[list], sst: SharedStrings, wrap: set[int]):
    width = max(len(r) for r in rows)
    letters = _letters(width)
    yield (XML_HEAD + f'<worksheet xmlns="{NS}" xmlns:r="{RNS}"><dimension ref="A1:'
           f'{letters[-1]}{len(rows)}"/><sheetViews><sheetView workbookViewId="0"><pane '
           'ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/></sheetView>'
           '</sheetViews><sheetFormatPr defaultRowHeight="15"/><sheetData>')
    buf: list[str] = []
    for r, row in enumerate(rows, start=1):
        cells = []
        for c, value in enumerate(row):
            if value is None:
                continue
            ref = f"{letters[c]}{r}"
            if r == 1:
                cells.append(f'<c r="{ref}" s="{HEADER_STYLE}" t="s"><v>{sst(value)}</v></c>')
            elif isinstance(value, str):
                style = f' s="{WRAP_STYLE}"' if c in wrap else ""
                cells.append(f'<c r="{ref}"{style} t="s"><v>{sst(value)}</v></c>')
            elif isinstance(value, date):
                cells.append(f'<c r="{ref}" s="{DATE_STYLE}"><v>'
                             f"{(value - EXCEL_EPOCH).days}</v></c>")
            else:
                cells.append(f'<c r="{ref}"><v>{value}</v></c>')
        buf.append(f'<row r="{r}">{"".join(cells)}</row>')
        if len(buf) >= 2000:
            yield "".join(buf)
            buf = []
    buf.append("</sheetData>")
    buf.append('<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" '
               'footer="0.3"/></worksheet>')
    yield "".join(buf)


def write_xlsx(path: Path, sheets: dict[str, list[list]]) -> Path:
    """Write ``sheets`` (name -> rows) as an .xlsx at ``path``, atomically, same bytes each time."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".part")
    names = ["Guide", *sheets]
    data = {"Guide": GUIDE, **sheets}
    sst = SharedStrings()

    def info(name: str) -> zipfile.ZipInfo:
        zi = zipfile.ZipInfo(name, ZIP_TIME)
        zi.compress_type = zipfile.ZIP_DEFLATED
        return zi

    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as zf:
        overrides = "".join(
            f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            for i in range(1, len(names) + 1))
        zf.writestr(info("[Content_Types].xml"), (
            XML_HEAD + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Default Extension="rels" ContentType="application/vnd.'
            'openxmlformats-package.relationships+xml"/><Default Extension="xml" '
            'ContentType="application/xml"/><Override PartName="/xl/workbook.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.'
            'main+xml"/>' + overrides + '<Override PartName="/xl/styles.xml" ContentType='
            '"application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
            '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.'
            'openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/><Override '
            'PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-'
            'package.core-properties+xml"/></Types>'))
        zf.writestr(info("_rels/.rels"), (
            XML_HEAD + f'<Relationships xmlns="{PNS}"><Relationship Id="rId1" Type="http://'
            'schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
            'Target="xl/workbook.xml"/><Relationship Id="rId2" Type="http://schemas.'
            'openxmlformats.org/package/2006/relationships/metadata/core-properties" '
            'Target="docProps/core.xml"/></Relationships>'))
        zf.writestr(info("docProps/core.xml"), (
            XML_HEAD + '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/'
            'package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" '
            'xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/'
            'XMLSchema-instance"><dc:title>Benchmark workbook</dc:title><dc:creator>'
            'bench/generate.py</dc:creator><dcterms:created xsi:type="dcterms:W3CDTF">'
            '2019-11-22T00:00:00Z</dcterms:created></cp:coreProperties>'))
        sheet_xml = "".join(f'<sheet name="{n}" sheetId="{i}" r:id="rId{i}"/>'
                            for i, n in enumerate(names, start=1))
        zf.writestr(info("xl/workbook.xml"), (
            XML_HEAD + f'<workbook xmlns="{NS}" xmlns:r="{RNS}"><bookViews><workbookView '
            f'activeTab="1"/></bookViews><sheets>{sheet_xml}</sheets></workbook>'))
        rels = "".join(
            f'<Relationship Id="rId{i}" Type="{RNS}/worksheet" Target="worksheets/sheet{i}.xml"/>'
            for i in range(1, len(names) + 1))
        n = len(names)
        zf.writestr(info("xl/_rels/workbook.xml.rels"), (
            XML_HEAD + f'<Relationships xmlns="{PNS}">{rels}<Relationship Id="rId{n + 1}" '
            f'Type="{RNS}/styles" Target="styles.xml"/><Relationship Id="rId{n + 2}" '
            f'Type="{RNS}/sharedStrings" Target="sharedStrings.xml"/></Relationships>'))
        zf.writestr(info("xl/styles.xml"), STYLES)
        for i, name in enumerate(names, start=1):
            rows = data[name]
            wrap = {c for c, h in enumerate(rows[0])
                    if h in ("summary", "notes", "description", "judgment", "item", "quote")}
            with zf.open(info(f"xl/worksheets/sheet{i}.xml"), "w", force_zip64=True) as part:
                for chunk in _sheet_chunks(rows, sst, wrap):
                    part.write(chunk.encode("utf-8"))
        zf.writestr(info("xl/sharedStrings.xml"), sst.xml())
    tmp.replace(path)
    return path


def cached_path(n_events: int, seed: int = DEFAULT_SEED, cache: Path = CACHE) -> Path:
    return Path(cache) / f"contract_{n_events}_seed{seed}_v{VERSION}.xlsx"


def workbook(n_events: int, seed: int = DEFAULT_SEED, cache: Path = CACHE) -> Path:
    """The cached workbook of ``n_events`` events for ``seed``, generated on first use."""
    path = cached_path(n_events, seed, cache)
    if not path.exists():
        write_xlsx(path, records(n_events, seed))
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("events", type=int, nargs="+", help="number of events (one file each)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--out", type=Path, help="write here instead of the cache (one size)")
    parser.add_argument("--cache", type=Path, default=CACHE, help="cache folder")
    args = parser.parse_args(argv)
    if args.out and len(args.events) > 1:
        parser.error("--out takes one size")
    for n in args.events:
        path = (write_xlsx(args.out, records(n, args.seed)) if args.out
                else workbook(n, args.seed, args.cache))
        print(f"{path} ({path.stat().st_size / 1024**2:.1f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
