"""One memo's context, made from the model: its kinds and budgets
(:mod:`~reports.memo.kinds`), what each kind holds (:mod:`~reports.memo.contents`), the
blocks (:mod:`~reports.memo.context`, :mod:`~reports.memo.blocks`), the rules choosing the
rows (:mod:`~reports.memo.selection`), and what changed since the last edition
(:mod:`~reports.memo.edition`, :mod:`~reports.memo.changes`). Import the modules
themselves; this imports nothing (``--help`` reads :mod:`~reports.memo.kinds`).
"""
