"""The migrations on disk describe the models exactly, and form one line.

A model change without its migration would pass on the test databases (they are built from the
migrations) and then break on a production upgrade; two migrations with the same parent (from two
branches merged) would make `advocacy migrate` refuse to run. Both are caught here.
"""

from __future__ import annotations

import copy

from tortoise.context import TortoiseContext
from tortoise.migrations.autodetector import MigrationAutodetector

from advocacy.db import tortoise_config


async def test_models_need_no_new_migration(tmp_path) -> None:
    config = copy.deepcopy(tortoise_config(f"sqlite://{tmp_path}/check.sqlite3"))
    async with TortoiseContext() as ctx:
        await ctx.init(config=config)
        writers = await MigrationAutodetector(ctx.apps, config["apps"]).changes()
    pending = [op.describe() for writer in writers for op in writer.operations]
    assert not pending, "models changed without a migration (run makemigrations):\n" + "\n".join(pending)


async def test_migrations_form_a_single_line(tmp_path) -> None:
    config = copy.deepcopy(tortoise_config(f"sqlite://{tmp_path}/check.sqlite3"))
    async with TortoiseContext() as ctx:
        await ctx.init(config=config)
        detector = MigrationAutodetector(ctx.apps, config["apps"])
        await detector.loader.build_graph()
        leaves = list(detector.loader.graph.leaf_nodes("models"))
    assert len(leaves) == 1, f"migrations branch: several latest migrations {leaves}"
