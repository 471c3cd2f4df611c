"""The chart stage, SVG (what briefings draw) against PNG at 150 dpi (what they drew before):
the seven bar charts of a briefing, drawn ROUNDS times in one process, written either way.

    .venv/bin/python bench/chart_stage.py svg|png [ROUNDS]

For farm-bench, paired (the machine is shared):
    farm-bench -n 7 -- .venv/bin/python bench/chart_stage.py svg 5 \
        --vs '.venv/bin/python bench/chart_stage.py png 5'
It prints the seconds the drawing took inside the process (imports excluded) on stderr.
"""

from __future__ import annotations

import io
import sys
import time

import matplotlib as mpl

from report_utils.briefing import charts
from report_utils.fonts import families

LABELS = [
    "规模以上工业增加值",
    "规模以上工业增加值两年平均增速",
    "全部工业增加值占地区生产总值比重",
    "制造业增加值占地区生产总值比重",
    "工业产业投资占固定资产投资比重",
    "十大工业产业规模以上工业总产值",
    "开发区规模以上工业总产值",
]


def seven_charts() -> list[tuple[list[charts.Bar], str]]:
    """Seven charts shaped like a briefing's: two to five bars, two groups, some derived."""
    found = []
    for n in range(7):
        bars = [
            charts.Bar(LABELS[(n + i) % len(LABELS)], 5.0 + 3 * i, f"{5 + 3 * i}%", group, i == 1)
            for i in range(2 + n % 4)
            for group in (("贵州省", "全国") if n % 2 else ("贵州省",))
        ]
        found.append((bars, f"图表{n + 1}（%）"))
    return found


def png(fig) -> bytes:
    """The former writer: Agg at 150 dpi, made opaque RGB (as charts._render did)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from PIL import Image

    fig.set_dpi(150)
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    size = canvas.get_width_height(physical=True)
    image = Image.frombuffer("RGBA", size, canvas.buffer_rgba(), "raw", "RGBA", 0, 1)
    buffer = io.BytesIO()
    image.convert("RGB").save(buffer, format="PNG")
    return buffer.getvalue()


def main() -> None:
    kind = sys.argv[1]
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 1
    rc = charts.house_rc(families(("cjk",)))
    start = time.perf_counter()
    size = 0
    for _ in range(rounds):
        for bars, title in seven_charts():
            with mpl.rc_context(rc):
                fig = charts.draw_bars(bars, title, "增速（%）")
                size += len(charts._render(fig)[0] if kind == "svg" else png(fig))
    took = time.perf_counter() - start
    print(f"{kind}: {took / rounds:.3f} s per 7 charts, {size // rounds} bytes", file=sys.stderr)


if __name__ == "__main__":
    main()
