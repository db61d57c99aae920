"""Plots for the published notebooks: SVG that follows the site's colour scheme, with alt text.

The notebook pipeline starts each kernel with `install_when_imported()` (see
notebooks.py), which runs `install()` the moment a cell first imports matplotlib:
most notebooks draw nothing, and importing matplotlib with its inline backend
would cost each of their kernels a few seconds of CPU for nothing.
From then on a matplotlib figure is shown as SVG instead of a PNG, so it stays
sharp at any zoom, and the SVG carries a <title> and aria-label written from
the figure itself (titles, axis labels, legend entries): a screen reader hears
what the chart shows, not "No description has been provided for this image".

Text and axes are drawn in INK, a colour no chart uses for data; the site's
hook swaps it for `currentColor`, so labels are dark on the light scheme and
light on the dark one. Figure and axes backgrounds are transparent.
"""

from __future__ import annotations

import html
import importlib.abc
import importlib.util
import io
import re
import sys
from typing import Any

INK = "#0b0b0c"

# Data colours readable on white and on the dark scheme's background (≥ 3:1 on both).
CYCLE = ["#d9541e", "#3a7fc1", "#4f9a3a", "#a65fb8"]

STYLE: dict[str, Any] = {
    "svg.fonttype": "none",          # real <text>: selectable, smaller, recoloured by CSS
    "figure.facecolor": "none",
    "axes.facecolor": "none",
    "savefig.transparent": True,
    "text.color": INK,
    "axes.labelcolor": INK,
    "axes.edgecolor": INK,
    "xtick.color": INK,
    "ytick.color": INK,
    "legend.labelcolor": INK,
    "legend.framealpha": 0.0,
    "legend.edgecolor": INK,
    "grid.color": INK,
    "grid.alpha": 0.25,
    "font.size": 12,
    "axes.titlesize": 13,
    "axes.prop_cycle": None,         # filled in by install(), which imports matplotlib
}


def describe(figure) -> str:
    """One sentence per chart in the figure: what it plots against what, and its series."""
    sentences = []
    for axes in figure.get_axes():
        title = axes.get_title() or "Chart"
        x_label, y_label = axes.get_xlabel(), axes.get_ylabel()
        sentence = f"{title}:"
        if y_label and x_label:
            sentence += f" {y_label} against {x_label}"
        elif y_label or x_label:
            sentence += f" {y_label or x_label}"
        scales = [name for name, scale in (("x", axes.get_xscale()), ("y", axes.get_yscale())) if scale == "log"]
        if scales:
            sentence += f" ({' and '.join(scales)} axis logarithmic)"
        series = [line.get_label() for line in axes.get_lines() if not line.get_label().startswith("_")]
        if series:
            sentence += "; one line each for " + ", ".join(series)
        sentences.append(sentence.rstrip(":") + ".")
    return " ".join(sentences) or "An empty figure."


def figure_svg(figure) -> str:
    """The figure as SVG markup with an accessible name and a <title>."""
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", bbox_inches="tight")
    svg = buffer.getvalue()
    svg = svg[svg.index("<svg"):]  # drop the XML declaration and DOCTYPE: this goes inline in HTML
    label = html.escape(describe(figure), quote=True)
    svg = re.sub(r"<svg\b", f'<svg role="img" aria-label="{label}"', svg, count=1)
    return re.sub(r"(<svg\b[^>]*>)", rf"\1<title>{label}</title>", svg, count=1)


def install() -> None:
    """Make this IPython kernel show matplotlib figures as described, recolourable SVG."""
    import matplotlib
    from cycler import cycler

    style = {**STYLE, "axes.prop_cycle": cycler(color=CYCLE)}
    matplotlib.rcParams.update(style)
    from IPython import get_ipython
    from matplotlib.figure import Figure

    shell = get_ipython()
    # Select the inline backend now: matplotlib loads backends lazily, and the
    # inline backend registers its PNG formatter when it loads, which would undo ours.
    shell.run_line_magic("matplotlib", "inline")
    matplotlib.rcParams.update(style)  # %matplotlib may reset figure defaults
    formatters = shell.display_formatter.formatters
    formatters["image/png"].pop(Figure, None)
    formatters["image/svg+xml"].for_type(Figure, figure_svg)


class _AfterImport(importlib.abc.MetaPathFinder):
    """Runs `then()` once, right after the module `name` has been imported (its code has run)."""

    def __init__(self, name: str, then):
        self.name, self.then = name, then

    def find_spec(self, fullname, path, target=None):
        if fullname != self.name:
            return None
        sys.meta_path.remove(self)  # before looking it up: find_spec below must not find this finder again
        spec = importlib.util.find_spec(fullname)
        if spec is not None and spec.loader is not None and hasattr(spec.loader, "exec_module"):
            run_module = spec.loader.exec_module

            def run_then(module) -> None:
                run_module(module)
                self.then()

            spec.loader.exec_module = run_then  # this loader object serves this one import only
        return spec


def install_when_imported() -> None:
    """`install()` as soon as matplotlib is imported (at once if it already is)."""
    if "matplotlib" in sys.modules:
        install()
    elif not any(isinstance(finder, _AfterImport) for finder in sys.meta_path):
        sys.meta_path.insert(0, _AfterImport("matplotlib", install))
