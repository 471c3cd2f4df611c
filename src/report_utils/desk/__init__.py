"""The analyst's desk: what ``notebooks/explore.ipynb`` and ``notebooks/checks.ipynb`` show, one
module per notebook (``explore``, ``quality``), so that the notebooks stay one call per cell.
It sits on top of the stages (tables, briefing) like ``cli``; the build never imports it."""

from report_utils.briefing.frames import show_figures_inline

show_figures_inline()  # the charts the notebooks' cells return, as images
