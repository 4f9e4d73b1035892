#!/usr/bin/env python3
"""plot_window_sweep.py — the SVG plot of a wire_compare.py window sweep.

Reads the sweep's CSV (columns window, server, rate, ...) and writes an SVG:
requests/s against window size (log x-axis), one polyline with markers per
server, axes, ticks, labels and a legend. Standard library only (no matplotlib).

    plot_window_sweep.py SWEEP.csv SWEEP.svg [--title TEXT]
"""
import argparse
import csv
import math
import sys
from xml.sax.saxutils import escape

WIDTH, HEIGHT = 720, 450
LEFT, RIGHT, TOP, BOTTOM = 80, 170, 50, 60
COLOURS = ("#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b")


def read_sweep(path):
    """{server: [(window, rate), ...] sorted by window}, servers in first-seen order."""
    series = {}
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            series.setdefault(row["server"], []).append((int(row["window"]), float(row["rate"])))
    return {name: sorted(points) for name, points in series.items()}


def nice_step(span, ticks=5):
    """A 1, 2 or 5 times a power of ten step giving about `ticks` ticks over span."""
    raw = span / ticks
    power = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 5, 10):
        if raw <= factor * power:
            return factor * power
    return 10 * power


def human(value):
    if value >= 1e6:
        return f"{value / 1e6:g}M"
    if value >= 1e3:
        return f"{value / 1e3:g}k"
    return f"{value:g}"


def render(series, title):
    windows = sorted({w for points in series.values() for w, _ in points})
    top_rate = max((r for points in series.values() for _, r in points), default=1.0) or 1.0
    step = nice_step(top_rate * 1.05)
    y_max = step * math.ceil(top_rate * 1.05 / step)
    x_lo = math.log10(min(windows)) if windows else 0.0
    x_hi = math.log10(max(windows)) if windows else 1.0
    if x_hi - x_lo < 1e-9:
        x_lo, x_hi = x_lo - 0.5, x_hi + 0.5
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(window):
        return LEFT + (math.log10(window) - x_lo) / (x_hi - x_lo) * plot_w

    def y(rate):
        return TOP + plot_h - rate / y_max * plot_h

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
           f'viewBox="0 0 {WIDTH} {HEIGHT}" font-family="sans-serif" font-size="12">',
           f'<rect width="{WIDTH}" height="{HEIGHT}" fill="white"/>',
           f'<text x="{LEFT + plot_w / 2}" y="{TOP / 2 + 5}" text-anchor="middle" '
           f'font-size="15">{escape(title)}</text>']
    # Horizontal grid and y ticks.
    tick = 0.0
    while tick <= y_max + step / 2:
        ty = y(tick)
        out.append(f'<line x1="{LEFT}" y1="{ty:.1f}" x2="{LEFT + plot_w}" y2="{ty:.1f}" '
                   f'stroke="#ddd"/>')
        out.append(f'<text x="{LEFT - 8}" y="{ty + 4:.1f}" text-anchor="end">{human(tick)}</text>')
        tick += step
    # x ticks: the measured window sizes.
    for window in windows:
        tx = x(window)
        out.append(f'<line x1="{tx:.1f}" y1="{TOP}" x2="{tx:.1f}" y2="{TOP + plot_h}" '
                   f'stroke="#eee"/>')
        out.append(f'<line x1="{tx:.1f}" y1="{TOP + plot_h}" x2="{tx:.1f}" '
                   f'y2="{TOP + plot_h + 5}" stroke="black"/>')
        out.append(f'<text x="{tx:.1f}" y="{TOP + plot_h + 18}" text-anchor="middle">'
                   f'{window}</text>')
    # Axes and their labels.
    out.append(f'<path d="M{LEFT},{TOP} V{TOP + plot_h} H{LEFT + plot_w}" fill="none" '
               f'stroke="black"/>')
    out.append(f'<text x="{LEFT + plot_w / 2}" y="{HEIGHT - 15}" text-anchor="middle">'
               f'window (outstanding requests, log scale)</text>')
    out.append(f'<text x="18" y="{TOP + plot_h / 2}" text-anchor="middle" '
               f'transform="rotate(-90 18 {TOP + plot_h / 2})">requests/s (2.xx answers)</text>')
    # One polyline with markers per server, and the legend.
    for i, (name, points) in enumerate(series.items()):
        colour = COLOURS[i % len(COLOURS)]
        coords = " ".join(f"{x(w):.1f},{y(r):.1f}" for w, r in points)
        out.append(f'<polyline points="{coords}" fill="none" stroke="{colour}" '
                   f'stroke-width="2"/>')
        for w, r in points:
            out.append(f'<circle cx="{x(w):.1f}" cy="{y(r):.1f}" r="3.5" fill="{colour}"/>')
        ly = TOP + 10 + i * 22
        lx = LEFT + plot_w + 15
        out.append(f'<line x1="{lx}" y1="{ly}" x2="{lx + 25}" y2="{ly}" stroke="{colour}" '
                   f'stroke-width="2"/>')
        out.append(f'<circle cx="{lx + 12.5}" cy="{ly}" r="3.5" fill="{colour}"/>')
        out.append(f'<text x="{lx + 32}" y="{ly + 4}">{escape(name)}</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"


def plot(csv_path, svg_path, title="CoAP GET throughput on loopback against window size"):
    series = read_sweep(csv_path)
    with open(svg_path, "w") as f:
        f.write(render(series, title))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("csv")
    parser.add_argument("svg")
    parser.add_argument("--title", default="CoAP GET throughput on loopback against window size")
    options = parser.parse_args()
    plot(options.csv, options.svg, options.title)
    return 0


if __name__ == "__main__":
    sys.exit(main())
