"""A workbook on another topic, from another team, briefs just as well: no GSOMIA in code."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import wbfactory

from reports.config.load import adhoc_memo, load_config
from reports.pipeline import build

OTHER = {
    "ACTORS ": [
        ["Actor Id", "Name", "Country", "Kind", "Title", "Desk owner"],
        ["norway", "Government of Norway", "NOR", "government", "", "Nordic desk"],
        ["eu-commission", "European Commission", "INT", "international-org", "", ""],
        ["faroe-islands", "Faroese Government", "FRO", "government", "", ""],
    ],
    "issues": [
        ["Issue_ID", "Name", "Question", "Status"],
        ["mackerel-quota", "Mackerel quota", "Should the 2024 mackerel quota be cut by 20%?",
         "Active"],
        ["port-access", "Port access", "Should Faroese vessels keep EU port access?",
         "dormant"],
    ],
    "Events": [
        ["Event ID", "Date", "Title", "Category", "Actors", "Issues", "Sources"],
        ["F-1", "2024-01-10", "Coastal states meet in London", "meeting",
         "norway, eu-commission, faroe-islands", "mackerel-quota", "R1"],
        ["F-2", date(2024, 2, 2), "Commission proposes a 20% cut", "decision",
         "eu-commission", "mackerel-quota", "R1;R2"],
        ["F-3", date(2024, 2, 5), "Faroes threaten port closure", "statement",
         "faroe-islands", "port-access", "R2"],
    ],
    "Positions": [
        ["actor_id", "issue_id", "as_of", "stance", "summary", "quote", "sources"],
        ["norway", "mackerel-quota", date(2024, 1, 10), "unclear", "No view yet.", "", "R1"],
        ["norway", "mackerel-quota", date(2024, 2, 3), "supports", "Backs the cut.",
         "Science must lead", "R2"],
        ["faroe-islands", "mackerel-quota", date(2024, 2, 5), "opposes", "Rejects it.", "",
         "R2"],
        ["eu-commission", "mackerel-quota", date(2024, 2, 2), "supports", "Proposed it.", "",
         "R1"],
        ["faroe-islands", "port-access", date(2024, 2, 5), "conditional", "Only if quotas hold.",
         "", "R2"],
    ],
    "Sources": [
        ["source_id", "outlet", "title", "url", "published", "kind"],
        ["R1", "Fish Daily", "Coastal states talks", "https://example.org/r1", date(2024, 1, 11),
         "news"],
        ["R2", "Nordic Wire", "Cut proposed", "", date(2024, 2, 5), "news"],
    ],
    "Outlook": [
        ["date", "item", "issues", "status", "sources"],
        [date(2024, 3, 1), "Annual quota meeting", "mackerel-quota", "scheduled", "R2"],
    ],
    "Assessments": [
        ["as_of", "issue_id", "judgment", "author", "sources"],
        [date(2024, 2, 6), "", "A deal before March is unlikely.", "Nordic desk", "R2"],
    ],
}


@pytest.fixture(scope="module")
def workbook(tmp_path_factory) -> Path:
    return wbfactory.write(tmp_path_factory.mktemp("other") / "fisheries.xlsx", OTHER)


@pytest.mark.parametrize("memo", [
    adhoc_memo("overview", None, None, None),
    adhoc_memo("weekly", None, None, 7),
    adhoc_memo("issue", "mackerel-quota", None, None),
    adhoc_memo("actor", None, "faroe-islands", None),
], ids=lambda m: m.id)
def test_every_memo_kind_builds_from_another_topic(tmp_path, workbook, memo):
    config = load_config(None)
    report = build(config, [memo], date(2024, 2, 7), formats=["docx", "html"],
                   out_dir=tmp_path, workbook=workbook)
    assert report.stopped is None and report.failures == []
    (built,) = report.outcomes
    html = built.files["html"].read_text(encoding="utf-8")
    assert built.files["docx"].stat().st_size > 0
    assert "GSOMIA" not in html and "gsomia" not in html.lower()
    if memo.kind in ("overview", "weekly", "issue"):
        assert "Commission proposes a 20% cut" in html
    if memo.kind == "actor":
        assert "Faroes threaten port closure" in html and "opposes" in html
    assert (tmp_path / "index.html").exists()


def test_nothing_in_the_package_names_the_bundled_topic():
    package = Path(__file__).resolve().parents[1] / "reports"
    for path in package.rglob("*.py"):
        text = path.read_text(encoding="utf-8").lower()
        # The default workbook path is the contract's; nothing else may mention the topic.
        text = text.replace("workbook/gsomia_relations.xlsx", "")
        assert "gsomia" not in text, f"{path} mentions the bundled topic"
