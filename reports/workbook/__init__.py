"""The workbook: its contract (:mod:`~reports.workbook.contract`), reading it once and
read-only into columns (:mod:`~reports.workbook.read`, :mod:`~reports.workbook.package`,
:mod:`~reports.workbook.grid`, :mod:`~reports.workbook.header`), checking every cell
column by column into pandas frames (:mod:`~reports.workbook.validate`,
:mod:`~reports.workbook.columns`, :mod:`~reports.workbook.cells`,
:mod:`~reports.workbook.dates`, :mod:`~reports.workbook.table`), and writing workbooks
for Excel (:mod:`~reports.workbook.excel`, :mod:`~reports.workbook.annotate`,
:mod:`~reports.workbook.xlstyle`). Import the modules themselves; this imports nothing.
"""
