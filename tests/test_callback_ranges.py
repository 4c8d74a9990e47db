"""Numbers in callback data that no button of the bot could carry (beyond Postgres's
bigint, negative, not a number) match no handler: the press gets "outdated button"."""

from __future__ import annotations

import importlib
import pkgutil
import typing

import pytest
from aiogram.filters.callback_data import CallbackData
from pydantic import ValidationError

import fsm
from fsm.callbacks import INT64_MAX, Id
from fsm.executor import JobCb
from fsm.tracking import RateCb


def _factories() -> list[type[CallbackData]]:
    for module in pkgutil.iter_modules(fsm.__path__):
        importlib.import_module(f"fsm.{module.name}")
    found: list[type[CallbackData]] = []
    todo = list(CallbackData.__subclasses__())
    while todo:
        cls = todo.pop()
        todo += cls.__subclasses__()
        if cls.__module__.startswith("fsm."):
            found.append(cls)
    return found


def _int_fields(cls: type[CallbackData]) -> list[str]:
    return [
        name
        for name, info in cls.model_fields.items()
        if info.annotation is int and name != "index"  # a template's index may be -1
    ]


FACTORIES = _factories()


def test_every_number_in_callback_data_is_bounded() -> None:
    assert len(FACTORIES) > 30
    for cls in FACTORIES:
        for name in _int_fields(cls):
            metadata = cls.model_fields[name].metadata
            assert metadata, f"{cls.__name__}.{name} is an unbounded int: use Id or Count"


@pytest.mark.parametrize("value", ["99999999999999999999", str(INT64_MAX + 1), "-1", "abc", "1e3"])
def test_out_of_range_ids_do_not_unpack(value: str) -> None:
    with pytest.raises(ValidationError):  # a ValueError: the filter's "no match"
        JobCb.unpack(f"job:accept:{value}")
    with pytest.raises(ValidationError):
        RateCb.unpack(f"rrate:{value}:5")


def test_ids_in_range_still_unpack() -> None:
    assert JobCb.unpack(f"job:accept:{INT64_MAX}").request_id == INT64_MAX
    assert JobCb.unpack("job:accept:0").request_id == 0
    assert JobCb(action="accept", request_id=42).pack() == "job:accept:42"
    assert typing.get_args(Id)[0] is int
