"""The `sverka` logger: every record names its region, and stage messages name the stage and the file.

The stages log to `logging.getLogger("sverka")` as `"<stage> <file or unit>: <what happened>"`. While a region
is being built (`for_region`), a filter prefixes each record with `region <code>:`, so that lines from regions
running side by side on Dask workers stay apart. Prefect forwards the logger to its API through the
`logging.extra_loggers` setting in pyproject.toml.
"""

from __future__ import annotations

import contextlib
import contextvars
import logging
from typing import Iterator

LOGGER = logging.getLogger("sverka")
_region: contextvars.ContextVar[str | None] = contextvars.ContextVar("sverka_region", default=None)


class _RegionFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        region = _region.get()
        if region and not getattr(record, "sverka_region", None):
            record.sverka_region = region
            record.msg = f"region {region}: {record.msg}"
        return True


LOGGER.addFilter(_RegionFilter())


@contextlib.contextmanager
def for_region(region: str | None) -> Iterator[None]:
    """Tags the `sverka` log records written inside the block with `region`."""
    token = _region.set(region)
    try:
        yield
    finally:
        _region.reset(token)
