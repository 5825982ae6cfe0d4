"""Briefing toolkit: workbook -> validate -> model -> memos."""
