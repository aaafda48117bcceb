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


# The migrations before 0012 came out before this rule and add such columns (to posts, shares,
# social accounts, API tokens and users): a database filled before them needs those columns'
# defaults added by hand to upgrade through them. From 0012 on, every migration keeps the rule.
FIRST_UPGRADE_SAFE = 12


def test_columns_added_to_existing_tables_can_fill_rows_already_there() -> None:
    """A NOT NULL column added without a database default fails on a table that has rows (SQLite
    and PostgreSQL both refuse it), so an upgrade would stop half way; the Python default does
    not reach the database."""
    import importlib
    import pkgutil

    from tortoise.migrations import operations as ops

    import advocacy.migrations as package

    unsafe = []
    for module in pkgutil.iter_modules(package.__path__):
        number = int(module.name.split("_", 1)[0])
        if number < FIRST_UPGRADE_SAFE:
            continue
        migration = importlib.import_module(f"{package.__name__}.{module.name}").Migration
        for operation in migration.operations:
            if isinstance(operation, ops.AddField):
                field = operation.field
                if not field.null and not field.has_db_default():
                    unsafe.append(f"{module.name}: {operation.model_name}.{operation.name}")
    assert not unsafe, "add a db_default (or make the column nullable): " + ", ".join(unsafe)
