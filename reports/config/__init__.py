"""The desk's configuration (``reports.toml``): :mod:`~reports.config.load` reads and checks
it into :class:`Config`, :mod:`~reports.config.tables` holds its tables and their checks,
:mod:`~reports.config.typed` converts TOML by type hints. Light: nothing heavy is imported.
"""

from reports.config.keys import config_keys
from reports.config.load import Config, MemoConfig, adhoc_memo, load_config
from reports.config.tables import (
    DeliverySettings,
    Desk,
    Recipient,
    Schedule,
    Smtp,
)

__all__ = ["Config", "MemoConfig", "load_config", "adhoc_memo", "config_keys", "Desk",
           "DeliverySettings", "Recipient", "Schedule", "Smtp"]
