"""Judgments in a memo: the desk's key judgments, numbered, each with its likelihood and
confidence and its change since the last issued edition; outside commentary, labelled.

:class:`JudgmentMaker` is the part of the context builder (``reports.memo.context``) that
makes them. A judgment is the desk's unless its ``whose`` column says "source": the
memos lead with the desk's (its bottom line is only ever the desk's) and print a
source's only as outside commentary, each row labelled with its author and day, in its
own section. Only the desk's judgments count as changing between editions
(``reports.memo.changes``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import cached_property

from reports.memo.changes import JudgmentChanges, in_force, is_desk, judgment_changes
from reports.memo.kinds import Budget
from reports.memo.shapes import Block, Cited, JudgmentRow, JudgmentsBlock, LegendBlock, add, note
from reports.memo.spec import MemoSpec
from reports.model.model import Model
from reports.model.records import Assessment, OutlookItem, Record
from reports.text import short_date

COMMENTARY = "Outside commentary, not the desk's judgment."


class JudgmentMaker:
    """Judgment-making methods of :class:`reports.memo.context.Builder`, which provides
    the model, the spec, names, citations and what the memo shows (stubs here)."""

    model: Model
    spec: MemoSpec

    # -- provided by the builder -------------------------------------------------------

    @property
    def budget(self) -> Budget:
        raise NotImplementedError

    @property
    def native_langs(self) -> dict[str, str]:
        raise NotImplementedError

    def shown(self, *records: Record | None) -> Cited:
        raise NotImplementedError

    def marked(self, rank: int) -> Cited:
        raise NotImplementedError

    def actor_name(self, actor_id: str, printed: bool = True) -> str:
        raise NotImplementedError

    def issue_name(self, issue_id: str | None, printed: bool = True) -> str:
        raise NotImplementedError

    def cite_fields(self, source_ids: tuple[str, ...]) -> Cited:
        raise NotImplementedError

    # -- judgments and their changes ---------------------------------------------------

    @cached_property
    def judgment_changes(self) -> dict[str, JudgmentChanges]:
        """How the desk's judgments in force differ from those the previous issued edition
        showed (none without one: a first edition, or a memo built with no edition before
        it)."""
        since = self.spec.since_last_edition
        if since is None:
            return {}
        return judgment_changes(since, self.model, self.spec.as_of)

    @cached_property
    def judgments_in_force(self) -> dict[str, list[Assessment]]:
        """The desk's judgments in force per issue ('' overall): those of its latest day."""
        return in_force(self.model, self.spec.as_of)

    def _edition(self) -> str:
        since = self.spec.since_last_edition or {}
        return short_date(since.get("previous_as_of", ""))

    def judgment_change(self, a: Assessment) -> JudgmentRow:
        """``{"change": ...}`` for a desk judgment in force that differs from what the
        previous edition showed: its ``kind`` (replaced, revised, new), a ``caption`` saying
        so and, for a replaced one, the ``previous`` text and day; {} when unchanged."""
        key = a.issue_id or ""
        found = self.judgment_changes.get(key)
        if found is None:
            return {}
        index = next((n for n, b in enumerate(self.judgments_in_force.get(key, ()))
                      if b is a), None)
        change = found.changed.get(index) if index is not None else None
        if change is None:
            return {}
        edition = self._edition()
        if change.kind == "replaced":
            caption = (f"Replaces the judgment of {short_date(change.previous_as_of)} in the "
                       f"edition of {edition}")
        elif change.kind == "revised":
            caption = f"Revised since the edition of {edition}"
        else:
            caption = f"New since the edition of {edition}"
        return {"change": {"kind": change.kind, "caption": caption,
                           "previous": change.previous_text,
                           "previous_as_of": change.previous_as_of}}

    def withdrawn_rows(self, keys: Iterable[str]) -> list[JudgmentRow]:
        """A line for each desk judgment on ``keys`` that the previous edition showed and
        the desk no longer holds, by its day alone (its words are not repeated)."""
        rows: list[JudgmentRow] = []
        for key in keys:
            found = self.judgment_changes.get(key or "")
            for day in found.withdrawn if found else ():
                on = f" on {self.issue_name(key)}" if key else ""
                rows.append({"withdrawn": True, "issue": self.issue_name(key or None),
                             "whose": "desk",
                             "text": f"The judgment of {short_date(day)}{on} shown in the "
                                     f"edition of {self._edition()} is withdrawn.",
                             "cites": [], "cite_text": ""})
        return rows

    def said(self, a: Assessment) -> str:
        """'Likelihood: likely (55-80%). Confidence: medium.' for a desk judgment (and the
        day it was made, when not the memo's)."""
        likely = self.likelihood(a)
        text = (f"Likelihood: {likely}. " if likely else "") + f"Confidence: {a.confidence}."
        if a.as_of != self.spec.as_of:
            text += f" Judged on {short_date(a.as_of)}."
        return text

    def judgment_row(self, a: Assessment, number: int | None = None,
                     label: str = "") -> JudgmentRow:
        """One judgment: the desk's with its likelihood, confidence and change since the last
        edition; a source's labelled as outside commentary, by its author and day."""
        row: JudgmentRow = {"text": a.judgment, "issue": self.issue_name(a.issue_id),
                            "confidence": a.confidence, "day": short_date(a.as_of),
                            "extra": a.extra}
        if number is not None:
            row["number"] = number
        if a.likelihood:
            row["likelihood"] = a.likelihood
            row["likelihood_text"] = self.likelihood(a)
        if is_desk(a):
            row.update({"whose": "desk", "attribution": self.said(a)})
            if label:
                row["label"] = label
            row.update(self.judgment_change(a))
        else:
            likely = self.likelihood(a)
            row.update({"whose": "source",
                         "label": f"{a.author or 'A source'}, {short_date(a.as_of)}",
                         "attribution": COMMENTARY + (f" Likelihood (the source's): "
                                                      f"{likely}." if likely else "")})
        add(row, self.shown(a))
        add(row, self.cite_fields(a.sources))
        return row

    def judgments_block(self, items: Sequence[Assessment], keys: Sequence[str] = (),
                        empty: str = "", labelled: bool = False) -> list[Block]:
        """The desk's judgments numbered 1, 2 ... (each labelled with its issue when
        ``labelled``), then the withdrawn ones on ``keys``; or ``empty`` as a note."""
        rows = [self.judgment_row(a, n, self.issue_name(a.issue_id) if labelled else "")
                for n, a in enumerate(items, start=1)]
        rows += self.withdrawn_rows(keys)
        if not rows:
            return [note(empty)] if empty else []
        block: JudgmentsBlock = {"type": "judgments", "whose": "desk", "numbered": True,
                                 "rows": rows}
        return [block]

    def commentary_block(self, items: Sequence[Assessment], empty: str) -> Block:
        """Outside commentary, each row labelled with its author and day, never numbered."""
        if not items:
            return note(empty)
        return {"type": "judgments", "whose": "source", "numbered": False,
                "rows": [self.judgment_row(a) for a in items]}

    def likelihood(self, record: Assessment | OutlookItem) -> str:
        """'likely (55-80%)' for a record with a likelihood, else ''."""
        term = record.likelihood
        if not term or self.spec.yardstick is None:
            return term or ""
        found = self.spec.yardstick.find(term)
        return f"{found.term} ({found.band})" if found else term

    def legend(self, blocks: list[Block]) -> list[LegendBlock]:
        """The yardstick's one-line legend, when any row of ``blocks`` has a likelihood."""
        if self.spec.yardstick is None:
            return []
        for block in blocks:
            if (block["type"] == "judgments" and any(r.get("likelihood") for r in
                                                     block["rows"])) or (
                    block["type"] == "outlook" and any(r.get("likelihood") for r in
                                                       block["rows"])):
                return [{"type": "legend", "text": self.spec.yardstick.legend()}]
        return []
