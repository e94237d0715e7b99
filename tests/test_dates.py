"""Dates are entered one way: the GOV.UK date input, with GOV.UK's error messages."""

import importlib
import pkgutil
from datetime import date

import pytest
from django import forms

import lgrshare
from lgrshare.web.dates import GovukDateField


class DeleteBy(forms.Form):
    delete_by = GovukDateField(label="Delete by", required=False)
    review_by = GovukDateField(label="Review by")


@pytest.mark.parametrize(
    ("day", "month", "year", "error"),
    [
        ("31", "2", "2027", "Delete by must be a real date"),
        ("1", "", "2027", "Delete by must include a month"),
        ("1", "3", "27", "Delete by must be a real date"),
        ("first", "3", "2027", "Delete by must be a real date"),
    ],
)
def test_a_date_that_is_not_real_or_not_whole_is_refused_in_words(day, month, year, error):
    form = DeleteBy(
        {
            "delete_by_day": day,
            "delete_by_month": month,
            "delete_by_year": year,
            **{"review_by_day": "1", "review_by_month": "4", "review_by_year": "2027"},
        }
    )
    assert not form.is_valid()
    assert form.errors["delete_by"] == [error]


def test_a_whole_date_is_read_and_an_empty_optional_one_is_none():
    form = DeleteBy(
        {"delete_by_day": " 30 ", "delete_by_month": "6", "delete_by_year": "2027"}
        | {"review_by_day": "", "review_by_month": "", "review_by_year": ""}
    )
    assert not form.is_valid()
    assert form.errors["review_by"] == ["Enter review by"]
    assert form.cleaned_data["delete_by"] == date(2027, 6, 30)
    optional = DeleteBy({"review_by_day": "1", "review_by_month": "4", "review_by_year": "2027"})
    assert optional.is_valid()
    assert optional.cleaned_data["delete_by"] is None


def test_the_page_renders_three_labelled_boxes_with_the_value(client):
    from django.template.loader import render_to_string

    form = DeleteBy(initial={"delete_by": date(2027, 6, 30)})
    page = render_to_string("includes/field.html", {"field": form["delete_by"], "form": form})
    for box in ("day", "month", "year"):
        assert f'name="delete_by_{box}"' in page
    assert 'value="30"' in page
    assert ">Day</label>" in page
    assert "govuk-date-input" in page


def test_every_form_enters_dates_with_the_govuk_date_input():
    offenders = []
    for module in pkgutil.walk_packages(lgrshare.__path__, "lgrshare."):
        if not module.name.endswith(".forms"):
            continue
        for name, value in vars(importlib.import_module(module.name)).items():
            if isinstance(value, type) and issubclass(value, forms.BaseForm):
                offenders += [
                    f"{module.name}.{name}.{field}"
                    for field, kind in value.base_fields.items()
                    if isinstance(kind, forms.DateField | forms.DateTimeField)
                ]
    assert offenders == []
