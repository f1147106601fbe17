"""Dutch amounts, glued cells, scale lines and sign notes (extract/figures/numbers.py).

All numbers are invented.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from beleidsgraaf.extract.figures.numbers import (
    Unreadable,
    is_percentage,
    parentheses_negative,
    parse_amount,
    scale_of,
    sign_note,
    split_glued,
)
from hypothesis import given
from hypothesis import strategies as st


@pytest.mark.parametrize(
    "cell, value",
    [
        ("12.075", 12075),
        ("-12.075", -12075),
        ("–8.310", -8310),  # en dash
        ("−8.310", -8310),  # minus sign
        ("-/- 4.402", -4402),
        ("+ 310", 310),
        ("1.234,5", Decimal("1234.5")),
        ("0,25", Decimal("0.25")),
        ("€ 55.222", 55222),
        ("€55.222", 55222),
        ("€ -9.096", -9096),
        ("-€ 9.096", -9096),
        ("1.234.567", 1234567),
        ("979", 979),
        ("21041", 21041),
        ("0", 0),
        ("-0", 0),
        ("653*", 653),  # a footnote mark
        ("\u00a012.075\u00a0", 12075),  # no-break spaces around
    ],
)
def test_amounts_as_dutch_tables_write_them(cell, value):
    assert parse_amount(cell) == Decimal(value)


@pytest.mark.parametrize("cell", ["", "-", "–", "—", "n.v.t.", "  "])
def test_a_dash_or_an_empty_cell_is_no_figure(cell):
    assert parse_amount(cell) is None


def test_parentheses_are_negative_only_where_the_table_says_so():
    with pytest.raises(Unreadable, match="parentheses"):
        parse_amount("(1.234)")
    assert parse_amount("(1.234)", parentheses_negative=True) == Decimal(-1234)
    assert parse_amount("(€ 1.234,5)", parentheses_negative=True) == Decimal("-1234.5")
    with pytest.raises(Unreadable, match="both a minus sign and parentheses"):
        parse_amount("(-1.234)", parentheses_negative=True)
    with pytest.raises(Unreadable, match="unbalanced"):
        parse_amount("(1.234", parentheses_negative=True)


@pytest.mark.parametrize(
    "cell, why",
    [
        ("12.07", "groups of three"),  # a thousands group of two digits
        ("1.2345", "groups of three"),
        ("1.234.56", "groups of three"),
        ("1,234.5", "groups of three"),  # English notation
        ("2,1 %", "percentage"),
        ("45%", "percentage"),
        ("1,2 mln", "not one amount"),
        ("1 234", "not one amount"),
        ("12.075 741", "not one amount"),
        ("0.874", "groups of three"),  # no leading zero before a thousands group
        ("007", "groups of three"),
        ("1.234-", "not one amount"),
        ("ca. 500", "not one amount"),
    ],
)
def test_what_cannot_be_read_safely_is_unreadable_with_the_reason(cell, why):
    with pytest.raises(Unreadable, match=why):
        parse_amount(cell)


def test_percentages_are_recognised():
    assert is_percentage("2,1 %") and is_percentage("-3%")
    assert not is_percentage("2.100")


@given(st.integers(min_value=-(10**12), max_value=10**12))
def test_every_integer_written_the_dutch_way_reads_back(n):
    written = f"{n:,}".replace(",", ".")
    assert parse_amount(written) == n


@given(st.integers(min_value=0, max_value=10**9), st.integers(min_value=0, max_value=9))
def test_decimal_comma_reads_back(whole, tenth):
    written = f"{whole:,}".replace(",", ".") + f",{tenth}"
    assert parse_amount(written) == Decimal(whole) + Decimal(tenth) / 10


# -- glued cells ------------------------------------------------------------------------------


def _pieces(run: str, count: int) -> list[str] | None:
    spans = split_glued(run, count)
    return None if spans is None else [run[b:e] for b, e in spans]


def test_glued_cells_are_split_where_only_one_split_exists():
    # a minus sign starts each cell, and '-21.406' cannot hold another cell: one split only
    assert _pieces("-21.406532-20.874-20.910", 4) == ["-21.406", "532", "-20.874", "-20.910"]
    assert _pieces("1.2342.567", 2) == ["1.234", "2.567"]
    assert _pieces("31.450-4.120", 2) == ["31.450", "-4.120"]
    # '-20.874' is no '-2' and '0.874': a thousands group never follows a leading zero
    assert _pieces("-1.406532-20.874", 3) == ["-1.406", "532", "-20.874"]


def test_glued_cells_are_not_split_when_several_splits_fit():
    assert split_glued("12345", 2) is None  # 1+2345? 12+345? 123+45? ...
    assert split_glued("-1.234-5", 3) is None  # -1.234, -5 is two; three is impossible
    assert split_glued("-21.406532-20.874", 4) is None  # '532' could be 5, 32 or 53, 2
    assert split_glued("", 1) is None
    assert split_glued("12a34", 2) is None


def test_a_split_never_makes_an_invalid_amount():
    spans = split_glued("4.120-4.300-4.410", 3)
    assert spans is not None
    for b, e in spans:
        parse_amount("4.120-4.300-4.410"[b:e])  # raises if it were not an amount


# -- scale lines and sign notes ---------------------------------------------------------------


@pytest.mark.parametrize(
    "text, scale",
    [
        ("bedragen x € 1.000", 1000),
        ("Bedragen x € 1.000 | Rekening 2030", 1000),
        ("(bedragen * 1.000)", 1000),
        ("x €1.000", 1000),
        ("x 1.000 euro", 1000),
        ("bedragen x 1.000 euro, - = nadeel", 1000),
        ("Bedragen × € 1.000", 1000),
        ("bedragen x € 1.000.000", 1_000_000),
        ("x € 1 miljoen", 1_000_000),
        ("bedragen in duizenden euro", 1000),
        ("Lasten in €", 1),
        ("bedragen in euro's", 1),
    ],
)
def test_scale_lines(text, scale):
    assert scale_of(text) == scale


@pytest.mark.parametrize(
    "text",
    [
        "In 2030 bouwen we 1.000 woningen.",
        "Wat mag het kosten?",
        "bedragen x € 1.000 en x € 1.000.000",  # two scales in one line: none certain
    ],
)
def test_no_scale_where_none_is_stated_for_certain(text):
    assert scale_of(text) is None


def test_sign_notes():
    assert sign_note("bedragen x 1.000 euro, - = nadeel") == "- = nadeel"
    assert sign_note("(x € 1.000; + = voordeel)") == "+ = voordeel"
    assert sign_note("bedragen x € 1.000") is None
    assert parentheses_negative("bedragen x € 1.000, bedragen tussen haakjes zijn negatief")
    assert parentheses_negative("( ) = nadeel")
    assert not parentheses_negative("bedragen x € 1.000 (afgerond)")
