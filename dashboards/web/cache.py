"""A short-lived cache of computed leadership figures, one per running web process.

Rollups are written by `advocacy worker` processes, which a web process cannot hear from, so the
figures expire after `dashboard_cache_seconds` (a TTL) rather than on each new rollup: leadership
sees new snapshots at most that late, while a dashboard opened by many people, or a page and its
CSV downloads, is computed once. Writes made through this process (a new EMV formula or a cost)
empty the cache at once, so a person never sees their own change missing.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from datetime import datetime

from advocacy.clock import Clock
from advocacy.settings import Settings
from dashboards.reporting.leadership import Leadership, leadership

Key = tuple[int | None, datetime | None, datetime | None, str | None, str | None, str, str]


class FigureCache:
    """Leadership figures by slice, each kept for `seconds` (0 turns caching off); at most `size` slices."""

    def __init__(self, seconds: float, size: int = 128) -> None:
        self.seconds = seconds
        self.size = size
        self._entries: OrderedDict[Key, tuple[float, Leadership]] = OrderedDict()

    def clear(self) -> None:
        self._entries.clear()

    async def leadership(
        self, clock: Clock, settings: Settings, campaign_id: int | None, start: datetime | None,
        end: datetime | None, *, department: str | None = None, network: str | None = None,
    ) -> Leadership:
        key: Key = (campaign_id, start, end, department, network, settings.currency, settings.network_mode)
        now = time.monotonic()
        hit = self._entries.get(key)
        if hit is not None and now - hit[0] < self.seconds:
            self._entries.move_to_end(key)
            return hit[1]
        data = await leadership(clock, settings, campaign_id, start, end, department=department,
                                network=network)
        if self.seconds > 0:
            self._entries[key] = (now, data)
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)
        return data
