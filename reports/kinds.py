"""The memo kinds and output formats the toolkit knows, named once.

Light on purpose (no imports): the command line, the config loader and the memo
builders all read these lists.
"""

from __future__ import annotations

MEMO_KINDS = ("overview", "weekly", "issue", "actor")
FORMATS = ("docx", "html", "pdf")
DEFAULT_TITLES = {"overview": "Overview", "weekly": "Weekly update", "issue": "Issue brief",
                  "actor": "Actor profile"}
