"""Clearance: a scheduled edition of a memo with clearers waits as a draft until one of
them approves it (it is then issued: published and sent, exactly once) or returns it with
a comment (the editors are told; nothing is sent). See docs/operations.md, "Clearance".

Parts: :mod:`~reports.clearance.notices` (the mail to the clearers, the editors and the
operator), :mod:`~reports.clearance.decide` (``approve`` and ``return``, for the command
line and the site alike). The drafts and decisions are kept in the run record
(:mod:`reports.schedule.record.clearances`); ``run`` builds the drafts
(:mod:`reports.schedule.issue`). Import the modules themselves; this imports nothing.
"""
