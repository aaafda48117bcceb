"""The layered import contract places every module of the packages it splits.

The contract in pyproject.toml names the modules of `advocacy.shares`, `campaigns` and
`advocacy.programme` one by one (their modules stand in different layers); a module it does not
name would be checked by nothing, so a new one must be given its layer.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
import tomllib
from pathlib import Path

import pytest

import advocacy.programme
import advocacy.shares
import campaigns

ROOT = Path(__file__).resolve().parent.parent


def placed_modules() -> set[str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    [layers] = [c["layers"] for c in config["contracts"] if c["id"] == "domains"]
    return {name for layer in layers for name in re.split(r"[\s:|]+", layer) if name}


@pytest.mark.parametrize("package", [advocacy.shares, campaigns, advocacy.programme])
def test_every_module_of_a_split_package_has_a_layer(package) -> None:  # type: ignore[no-untyped-def]
    placed = placed_modules()
    modules = set()
    for info in pkgutil.iter_modules(package.__path__):
        name = f"{package.__name__}.{info.name}"
        if info.ispkg and name not in placed:
            # A package whose modules stand in layers of their own (campaigns.newsroom): each is placed.
            inner = importlib.import_module(name)
            modules |= {f"{name}.{sub.name}" for sub in pkgutil.iter_modules(inner.__path__)}
        else:
            modules.add(name)
    assert modules, "the package has modules"
    unplaced = sorted(modules - placed)
    assert not unplaced, f"give these modules a layer in pyproject.toml's import contract: {unplaced}"


def test_every_placed_module_exists() -> None:
    missing = [name for name in sorted(placed_modules())
               if not ROOT.joinpath(*name.split(".")).with_suffix(".py").exists()
               and not (ROOT.joinpath(*name.split(".")) / "__init__.py").exists()]
    assert not missing, f"the import contract names modules that do not exist: {missing}"
