"""report_utils: parameterised Jupyter briefings built from indicator tables.

The pipeline, one subpackage per stage, each importing only the stages before it::

    data/ -> 1 tables   (read, schemas, checks, as-of)
          -> 2 briefing (spec, figures and lineage, phrasing, section kinds, charts, blocks)
          -> 3 export   (nbconvert HTML template, Typst PDF)
          -> 4 batch    (plan, notebooks/briefing.ipynb run by papermill on warm kernels,
                         export, manifests) -> outputs/

``paths``, ``errors`` and ``fonts`` are shared by every stage; ``cli`` sits on top.
"""

__version__ = "0.1.0"
