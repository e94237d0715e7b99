"""The server-rendered bar charts leave room for their longest label."""

from lgrshare.evidence.charts import LABEL_WIDTH, bar_chart


def test_a_long_label_widens_the_label_column_and_the_guideline_moves_with_it():
    short = bar_chart(key="population", title="t", unit="people", rows=[("One: Surrey", 1.0)])
    long_label = "Three unitaries (East, North and West): North Surrey"
    wide = bar_chart(key="population", title="t", unit="people", rows=[(long_label, 1.0)])
    assert short.label_width == LABEL_WIDTH
    assert wide.label_width > len(long_label) * 7  # about 7.5 units a character at size 14
    assert wide.width - short.width == wide.label_width - short.label_width
    assert wide.marker_x - short.marker_x == wide.label_width - short.label_width
