"""The desk's intranet site: ``python run_reports.py serve`` (docs/operations.md).

Staff see the workbook's problems the moment it is saved and preview the memos as they
would be built now; who sees what is decided by each user's role and handling level.
Parts: :mod:`~reports.site.settings` (the ``[site]`` table), :mod:`~reports.site.users`
(users, passwords, sessions, sign-in throttling, in the run record),
:mod:`~reports.site.access` (roles and levels: who may see what),
:mod:`~reports.site.saved` (the workbook as last saved: problems, their rows' levels,
the model), :mod:`~reports.site.annotated` (the annotated copy, whole or cut to a level),
:mod:`~reports.site.preview` (memos rendered from the model in memory),
:mod:`~reports.site.watcher` (reloading on save), :mod:`~reports.site.security`
(headers, CSRF, addresses), :mod:`~reports.site.pages` and :mod:`~reports.site.app` (the
Starlette application), :mod:`~reports.site.serve` (uvicorn) and
:mod:`~reports.site.commands` (``serve`` and ``user``).

Importing this package imports nothing heavy: the configuration loader reads
:mod:`reports.site.settings` on every command.
"""
