"""Charts, SVG and PNG, cached on disk: :mod:`~reports.render.charts.draw` is the entry
(and documents the block format); the timeline (:mod:`~reports.render.charts.timeline`,
:mod:`~reports.render.charts.ticks`, :mod:`~reports.render.charts.labels`) and the matrix
(:mod:`~reports.render.charts.matrix`) are laid out as a drawing
(:mod:`~reports.render.charts.layout`, :mod:`~reports.render.charts.fonts`) written by
:mod:`~reports.render.charts.svg` or :mod:`~reports.render.charts.png`;
:mod:`~reports.render.charts.cache` keeps them. Importing this does not import matplotlib.

``layout`` here is the module; the function laying out a block is
:func:`reports.render.charts.draw.layout`.
"""

from reports.render.charts.draw import (
    FORMATS,
    figure,
    forget,
    prefetch,
    render_chart,
    svg_inline,
    use_cache,
    warm_up,
)

__all__ = ["FORMATS", "render_chart", "svg_inline", "use_cache", "forget", "figure",
           "warm_up", "prefetch"]
