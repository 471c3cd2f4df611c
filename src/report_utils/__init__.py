"""report_utils: parameterised Jupyter briefings built from indicator tables.

The pipeline, one module per stage::

    data/ -> load (schema) -> indicators (as-of, lineage) -> charts + narrative -> report
          -> build (papermill) -> export (nbconvert HTML template, WeasyPrint PDF) -> outputs/
"""

__version__ = "0.1.0"
