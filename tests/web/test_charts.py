from datetime import UTC, datetime

from scorecards.web.charts import Series, line_chart, score_colour_class


def test_line_chart_places_points_and_escapes_labels():
    svg = line_chart(
        [
            Series(
                "<team>",
                [
                    (datetime(2026, 1, 1, tzinfo=UTC), 0.0),
                    (datetime(2026, 1, 2, tzinfo=UTC), 100.0),
                ],
            )
        ],
        title="Score & history",
        width=100,
        height=100,
    )
    assert 'aria-label="Score &amp; history"' in svg
    assert "&lt;team&gt;" in svg and "<team>" not in svg
    # x from the left padding to the right edge, y from the bottom (0) to the top (100).
    assert 'points="36.0,76.0 92.0,8.0"' in svg


def test_line_chart_without_points_says_so():
    assert "No history yet" in line_chart([Series("a", [])], title="t")


def test_score_colour_classes():
    assert [score_colour_class(v) for v in (None, 95, 80, 60, 10)] == [
        "score-none",
        "score-a",
        "score-b",
        "score-c",
        "score-d",
    ]
