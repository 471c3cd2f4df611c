"""Section kinds: what a section of the spec can be, each a module of this package registered by
name with ``registry.register``. A new kind is one module and one line below.
"""

from report_utils.briefing.kinds import (
    cases,
    changes,
    counts,
    events,
    figures,
    indicators,
    notes,
    projects,
    series,
)
from report_utils.briefing.kinds.registry import (
    KINDS,
    Context,
    Kind,
    Section,
    Table,
    build,
    register,
    resolve,
)

__all__ = ["KINDS", "Context", "Kind", "Section", "Table", "build", "register", "resolve"]
PROVIDED = (cases, changes, counts, events, figures, indicators, notes, projects, series)
