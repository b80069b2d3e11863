"""Every registered source names a reader that exists (the registry imports none of them)."""

from __future__ import annotations

from importlib import import_module

import pytest

from deskmix.importers import IMPORTERS


@pytest.mark.parametrize("name", sorted(IMPORTERS))
def test_each_source_names_a_callable_reader(name: str) -> None:
    module, function = IMPORTERS[name].reader.split(":")
    assert callable(getattr(import_module(module), function))
