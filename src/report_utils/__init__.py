"""report_utils: parameterised Jupyter briefings built from indicator tables.

The pipeline, one subpackage per stage::

    data/ -> tables (read, schemas, checks, as-of)
          -> briefing (spec, figures and lineage, phrasing, section kinds, charts, blocks)
          -> notebooks/briefing.ipynb executed by build (plan, papermill, kernels, manifests)
          -> export (nbconvert HTML template, Typst PDF) -> outputs/

``paths``, ``errors`` and ``fonts`` are shared by every stage; ``cli`` sits on top.
"""

__version__ = "0.1.0"
