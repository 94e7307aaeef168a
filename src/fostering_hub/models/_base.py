"""The base of every wire model: strict about unknown keys, silent about personal values."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from pydantic.fields import FieldInfo
from pydantic_core import InitErrorDetails

#: JSON Schema annotation on fields that hold personal data (UK GDPR Art 4(1)).
PERSONAL_DATA_KEY = "x-personal-data"
"""The JSON Schema keyword (``true``) that marks a field holding personal data; masked
fields in ``repr`` are the same ones."""
_MASK = "<personal data>"


def Personal(default: Any = ..., **kwargs: Any) -> Any:  # noqa: N802 - reads like Field
    """A ``pydantic.Field`` that holds personal data.

    Its value is masked in ``repr``/``str`` and the JSON Schema marks it with
    ``"x-personal-data": true`` so that consumers can find every such field.
    """
    extra = dict(kwargs.pop("json_schema_extra", None) or {})
    extra[PERSONAL_DATA_KEY] = True
    return Field(default, json_schema_extra=extra, **kwargs)


def _is_personal(info: FieldInfo) -> bool:
    extra = info.json_schema_extra
    return isinstance(extra, dict) and extra.get(PERSONAL_DATA_KEY) is True


class WireModel(BaseModel):
    """Base for data that crosses a boundary (JSON in and out).

    Unknown keys are refused, instances are immutable, error messages never echo the
    input, and fields declared with :func:`Personal` are masked in ``repr``.
    """

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        hide_input_in_errors=True,
        validate_default=False,
        str_max_length=10_000,
        use_enum_values=False,
    )

    _personal_fields: ClassVar[frozenset[str]] = frozenset()

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        cls._personal_fields = frozenset(
            name for name, info in cls.model_fields.items() if _is_personal(info)
        )

    @classmethod
    def personal_fields(cls) -> frozenset[str]:
        """Names of this model's own fields that hold personal data."""
        return cls._personal_fields

    def __setattr__(self, name: str, value: Any) -> None:
        # pydantic's own frozen error shows the value assigned; this one never does.
        if not name.startswith("_"):
            raise ValidationError.from_exception_data(
                type(self).__name__,
                [InitErrorDetails(type="frozen_instance", loc=(name,), input=None)],
                hide_input=True,
            )
        super().__setattr__(name, value)

    def __repr_args__(self) -> Iterable[tuple[str | None, Any]]:
        for name, value in super().__repr_args__():
            if name in self._personal_fields and value is not None:
                yield name, _MASK
            else:
                yield name, value
