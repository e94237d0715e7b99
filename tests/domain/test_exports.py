"""Formula-like cells are neutralised in exports; numbers and ordinary text are not."""

import polars as pl
import pytest

from lgrshare.domain.exports import neutralise, neutralise_frame


@pytest.mark.parametrize(
    ("cell", "safe"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1+1", "'\t=1+1"),
        ("-5", "-5"),
        ("+44 20 7946 0000", "'+44 20 7946 0000"),
        ("1.5e3", "1.5e3"),
        ("Guildford", "Guildford"),
        ("", ""),
    ],
)
def test_cells(cell, safe):
    assert neutralise(cell) == safe


def test_frames_are_neutralised_column_by_column():
    frame = pl.DataFrame({"name": ["=1+1", "Woking", "-3"], "count": [1, -2, 3]})
    out = neutralise_frame(frame)
    assert out["name"].to_list() == ["'=1+1", "Woking", "-3"]
    assert out["count"].to_list() == [1, -2, 3]
