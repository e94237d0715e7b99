"""The server-rendered bar charts: room for their longest label, each option's name once above
its councils' bars, values clear of the 500,000 guideline, in the page's font."""

from lgrshare.evidence.charts import BAR_AREA, LABEL_WIDTH, bar_chart

THREE = "Three unitaries (East, North and West)"


def test_a_long_label_widens_the_label_column_and_the_guideline_moves_with_it():
    short = bar_chart(key="population", title="t", unit="people", rows=[("One", "Surrey", 1.0)])
    long_label = "North Surrey and the Borough of Spelthorne with Runnymede"
    wide = bar_chart(key="population", title="t", unit="people", rows=[("One", long_label, 1.0)])
    assert short.label_width == LABEL_WIDTH
    assert wide.label_width > len(long_label) * 7  # about 7.5 units a character at size 14
    assert wide.width - short.width == wide.label_width - short.label_width
    assert wide.marker_x - short.marker_x == wide.label_width - short.label_width


def test_bars_are_labelled_by_council_under_their_options_name_once():
    chart = bar_chart(
        key="population",
        title="Population, mid-2024",
        unit="people",
        rows=[
            ("One unitary", "Surrey", 1_248_649.0),
            (THREE, "East Surrey", 400_000.0),
            (THREE, "North Surrey", 420_000.0),
        ],
    )
    headings = [b.label for b in chart.bars if b.heading]
    labels = [b.label for b in chart.bars if not b.heading]
    assert headings == ["One unitary", THREE]
    assert labels == ["Surrey", "East Surrey", "North Surrey"]
    assert "Three unitaries (East, North and West): East Surrey: 400,000" in chart.description
    # The values are written right of the bars' area: the guideline never crosses them.
    assert chart.marker_x is not None
    assert chart.value_x > chart.marker_x
    assert chart.value_x >= chart.label_width + BAR_AREA
    assert chart.width >= chart.value_x + len("1,248,649") * 8


def test_one_option_needs_no_heading():
    chart = bar_chart(key="density", title="t", unit="people per km²", rows=[("One", "S", 1.0)])
    assert [b.heading for b in chart.bars] == [False]
