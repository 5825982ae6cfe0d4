"""The model: record types made from the workbook contract
(:mod:`~reports.model.records`) and the as-of queries over them
(:mod:`~reports.model.model`)."""

from reports.model.model import (
    Actor,
    Assessment,
    Event,
    Issue,
    Model,
    OutlookItem,
    Position,
    Shift,
    Source,
)

__all__ = ["Actor", "Assessment", "Event", "Issue", "Model", "OutlookItem", "Position", "Shift",
           "Source"]
