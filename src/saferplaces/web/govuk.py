"""GOV.UK Design System form widgets: the date input as month and year boxes (``MonthField``)
and as day, month and year boxes (``DayField``).

Each field remembers which boxes hold the problem after ``clean`` failed
(``invalid_parts``): the error summary links to the first, and only those are outlined in red,
as the GOV.UK date input pattern asks. Error messages follow the Design System's wording:
they say what to do, and name the field. The templates are ``assessments/_field.html`` and
``assessments/_error_summary.html``.
"""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from saferplaces.periods import is_month

__all__ = [
    "DAY_PARTS",
    "DayField",
    "DayInput",
    "MONTH_PARTS",
    "MonthField",
    "MonthInput",
    "initial_month",
    "mark_invalid",
]

#: The boxes of each date input, in the order they are shown.
MONTH_PARTS = ("month", "year")
DAY_PARTS = ("day", "month", "year")


class MonthInput(forms.MultiWidget):
    """Two text boxes, month and year (GOV.UK date input without the day)."""

    def __init__(self) -> None:
        super().__init__({"month": forms.TextInput(), "year": forms.TextInput()})

    def decompress(self, value: Any) -> list[str | None]:
        """``"2025-01"`` as ``["1", "2025"]``; anything else as two empty boxes."""
        if is_month(value):
            year, month = str(value).split("-")
            return [str(int(month)), year]
        return [None, None]


def initial_month(value: str) -> list[str | None]:
    """A ``"YYYY-MM"`` month as a ``MonthField``'s initial boxes."""
    return MonthInput().decompress(value)


class _DateParts(forms.Field):
    """A date input: remembers the boxes holding the problem after ``clean`` failed."""

    #: The boxes holding the problem after ``clean`` failed: the error summary links to the
    #: first and only these are outlined in red (GOV.UK date input pattern).
    invalid_parts: tuple[str, ...] = ()

    def _invalid(self, message: str, code: str, *parts: str) -> ValidationError:
        self.invalid_parts = parts
        return ValidationError(message, code=code)


class MonthField(_DateParts):
    """A month entered as month and year numbers; cleans to ``"YYYY-MM"``.

    ``label`` names the field in the error messages ("First month must include a year").
    """

    widget = MonthInput

    def __init__(self, *, label: str, **kwargs: Any) -> None:
        super().__init__(label=label, **kwargs)

    def prepare_value(self, value: Any) -> Any:
        return initial_month(value) if isinstance(value, str) else value

    def clean(self, value: Any) -> str:
        month, year = ((value or [None, None]) + [None, None])[:2]
        month, year = str(month or "").strip(), str(year or "").strip()
        name = str(self.label)
        if not month and not year:
            raise self._invalid(f"Enter the {name.lower()}", "required", "month", "year")
        if not month:
            raise self._invalid(f"{name} must include a month", "incomplete", "month")
        if not year:
            raise self._invalid(f"{name} must include a year", "incomplete", "year")
        bad_month = not month.isdigit() or not 1 <= int(month) <= 12
        bad_year = not year.isdigit() or len(year) != 4 or not 1900 <= int(year) <= 2999
        if bad_month or bad_year:
            raise self._invalid(f"{name} must be a real month, for example 1 2025", "invalid",
                                *(["month"] if bad_month else []) + (["year"] if bad_year else []))
        return f"{int(year):04d}-{int(month):02d}"


class DayInput(forms.MultiWidget):
    """Three text boxes, day, month and year (the GOV.UK date input)."""

    def __init__(self) -> None:
        super().__init__({"day": forms.TextInput(), "month": forms.TextInput(),
                          "year": forms.TextInput()})

    def decompress(self, value: Any) -> list[str | None]:
        """A date as ``["2", "6", "2025"]``; anything else as three empty boxes."""
        if isinstance(value, datetime.date):
            return [str(value.day), str(value.month), str(value.year)]
        return [None, None, None]


class DayField(_DateParts):
    """A date entered as day, month and year numbers; cleans to a ``datetime.date`` (``None``
    when not required and left empty).

    ``name`` names the field in the error messages ("Last day must include a month"); it
    defaults to the label.
    """

    widget = DayInput

    def __init__(self, *, label: str, name: str | None = None, **kwargs: Any) -> None:
        super().__init__(label=label, **kwargs)
        self.name = name or label

    def prepare_value(self, value: Any) -> Any:
        return DayInput().decompress(value) if isinstance(value, datetime.date) else value

    def clean(self, value: Any) -> datetime.date | None:
        boxes = (list(value or []) + [None, None, None])[:3]
        parts = dict(zip(DAY_PARTS, (str(v or "").strip() for v in boxes), strict=True))
        missing = [k for k in DAY_PARTS if not parts[k]]
        if len(missing) == 3:
            if self.required:
                raise self._invalid(f"Enter the {self.name.lower()}", "required", *DAY_PARTS)
            return None
        if missing:
            raise self._invalid(f"{self.name} must include a {' and '.join(missing)}",
                                "incomplete", *missing)
        bad = [k for k in DAY_PARTS if not parts[k].isdigit()]
        year, month = parts["year"], parts["month"]
        if "year" not in bad and not (len(year) == 4 and 1900 <= int(year) <= 2999):
            bad.append("year")
        if "month" not in bad and not 1 <= int(month) <= 12:
            bad.append("month")
        if not bad:
            try:
                return datetime.date(int(year), int(month), int(parts["day"]))
            except ValueError:
                bad = ["day"]
        raise self._invalid(f"{self.name} must be a real date, for example 2 6 2025", "invalid",
                            *[k for k in DAY_PARTS if k in bad])


def mark_invalid(form: forms.BaseForm, name: str, message: str) -> None:
    """Add ``message`` to the date field ``name`` and outline all its boxes in red (for an
    error found by the form's ``clean``, such as a period running backwards)."""
    form.add_error(name, message)
    field = form.fields[name]
    if isinstance(field, MonthField):
        field.invalid_parts = MONTH_PARTS
    elif isinstance(field, _DateParts):
        field.invalid_parts = DAY_PARTS
