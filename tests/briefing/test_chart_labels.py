from report_utils.briefing import chart_labels


def test_wrap_keeps_explicit_lines():
    assert chart_labels.wrap("一二三四\n（五）", 6) == "一二\n三四\n（五）"
    assert chart_labels.wrap("短", 8) == "短"


def test_wrap_leaves_no_character_alone_and_keeps_punctuation_with_its_words():
    """A Chinese label never ends with one character on a line of its own, never starts a line
    with closing punctuation, never ends one with opening punctuation."""
    title = (
        "《关于推进开发区高质量发展的指导意见》和"
        "《关于实施工业倍增行动奋力实现工业大突破的意见》相继印发"
    )
    for width in range(8, 50, 2):
        lines = chart_labels.wrap(title, width, max_lines=None).split("\n")
        assert "".join(lines) == title  # nothing cut or lost
        assert all(len(line) > 1 for line in lines), (width, lines)
        assert not any(chart_labels.closing(line[0]) for line in lines), (width, lines)
        assert not any(chart_labels.opening(line[-1]) for line in lines), (width, lines)
    # 22 characters in 42 columns: the 22nd would be alone; the word before it (贵阳) joins it
    assert chart_labels.wrap("全省新型工业化暨开发区高质量发展大会在贵阳召", 42).split("\n") == [
        "全省新型工业化暨开发区高质量发展大会在",
        "贵阳召",
    ]


def test_wrap_counts_display_width():
    lines = chart_labels.wrap("一二三四五六七八九十", 8).split("\n")
    assert lines == ["一二三四", "五六七八", "九十"]
    assert chart_labels.wrap("Industrial tax revenue", 12) == "Industrial\ntax revenue"
    mixed = chart_labels.wrap("Value of 贵州省开发区 zones", 12).split("\n")
    assert all(chart_labels.display_width(line) <= 12 for line in mixed)


def test_wrap_caps_very_long_labels():
    wrapped = chart_labels.wrap("A" * 300, 20, max_lines=3).split("\n")
    assert len(wrapped) == 3 and wrapped[-1].endswith("…")
    assert all(chart_labels.display_width(line) <= 20 for line in wrapped)
    cjk = chart_labels.wrap("长" * 200, 20, max_lines=4).split("\n")
    assert len(cjk) == 4 and all(chart_labels.display_width(line) <= 20 for line in cjk)


def test_chinese_labels_break_between_words_never_inside_one():
    """The issue's defects ("两年平/均增速", "生产总/值比重") and the shipped labels that wrap:
    every break falls between two of jieba's words."""
    assert (
        chart_labels.wrap("规模以上工业增加值两年平均增速", 24)
        == "规模以上工业增加值两年\n平均增速"
    )
    assert chart_labels.wrap("全部工业增加值占地区生产总值比重", 24) == (
        "全部工业增加值占地区\n生产总值比重"
    )
    for label in ("工业产业投资占固定资产投资比重", "十大工业产业规模以上工业总产值"):
        lines = chart_labels.wrap(label, 20).split("\n")
        assert len(lines) > 1 and "".join(lines) == label
        inside = chart_labels._inside_words(label)
        ends = [sum(len(line) for line in lines[: i + 1]) for i in range(len(lines) - 1)]
        assert not set(ends) & inside, lines


def test_a_label_that_fits_is_not_segmented():
    """jieba is asked only about a label that must wrap (an English chart never asks)."""
    assert chart_labels.wrap("增加值", 24) == "增加值"
    assert chart_labels._inside_words("Industrial tax revenue") == frozenset()
