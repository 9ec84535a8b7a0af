"""Each default is written once, in the notebook's parameters cell; the code's signatures agree with it."""

import dataclasses
import importlib
import inspect
import typing

import pytest

from truce.build.catalog import discover

REPORTS = discover()


def keyword_only_without_defaults(signature):
    return all(p.kind is inspect.Parameter.KEYWORD_ONLY and p.default is inspect.Parameter.empty
               for p in signature.parameters.values())


@pytest.mark.parametrize("name", sorted(REPORTS))
def test_the_parameter_rules_take_exactly_the_cell_parameters(name):
    report = REPORTS[name]
    module = importlib.import_module(report.meta["checks"])
    signature = inspect.signature(module.check_parameters)
    assert keyword_only_without_defaults(signature)
    assert list(signature.parameters) == [p.name for p in report.parameters]


@pytest.mark.parametrize("name", sorted(REPORTS))
def test_the_entry_point_is_keyword_only_without_defaults_and_covers_the_cell(name):
    report = REPORTS[name]
    module = importlib.import_module(report.meta["checks"])
    signature = inspect.signature(module.compute)
    assert keyword_only_without_defaults(signature)
    # A group of related parameters is a dataclass; its fields are cell parameters named <prefix>_<field>.
    hints = typing.get_type_hints(module.compute)
    covered = set()
    for parameter in signature.parameters:
        kind = hints.get(parameter)
        if dataclasses.is_dataclass(kind):
            fields = [f.name for f in dataclasses.fields(kind)]
            covered |= {cell.name for cell in report.parameters for f in fields if cell.name.endswith("_" + f)}
        else:
            covered.add(parameter)
    assert covered == {p.name for p in report.parameters}
