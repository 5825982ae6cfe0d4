"""``run``: what is due, built once and recorded (:mod:`~reports.schedule.run`), and the
run record, one SQLite file of every build, delivery and notice
(:mod:`~reports.schedule.record`). Import the modules themselves; this imports nothing.
"""
