"""The model: the record types, one per data sheet (:mod:`~reports.model.records`), the
frames they are made from (:mod:`~reports.model.tables`) and the as-of queries over
them (:mod:`~reports.model.model`)."""

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
