"""Building an attrs instance from another object's fields of the same names.

Response bodies, published views and rows repeat most fields of what they carry; a
mapper that names every field twice is where a renamed field gets missed, and the
same mapper was written again in every context. The target class decides what is
copied (its own init fields), so a field the source gains never leaks into a body;
what is converted on the way is passed explicitly and wins.
"""

from typing import Any, TypeVar

import attrs

T = TypeVar("T")


def fields_from(cls: type[T], source: object, **converted: Any) -> T:
    """`cls(...)` with each of its fields read from `source` by name, except those given."""
    copied = {
        field.alias: getattr(source, field.name)
        for field in attrs.fields(cls)  # type: ignore[arg-type]
        if field.init and field.alias not in converted
    }
    return cls(**copied, **converted)
