"""A section's slots as its sentences see them: a figure, or ``Missing`` for a slot with no
figure as of the month (false in ``{% if %}``, an error naming the slot where its number is
shown)."""

from __future__ import annotations

from collections.abc import Mapping

from report_utils.briefing.figures import Figure
from report_utils.errors import ParameterError


class Missing:
    """A slot with no figure as of the month, as its sentence sees it: false in ``{% if %}``,
    silent in ``phrase()``, and an error that names the slot where its number is asked for."""

    def __init__(self, slot: str):
        self.slot = slot

    def __bool__(self) -> bool:
        return False

    def __str__(self) -> str:
        raise ParameterError(self.message())

    def message(self) -> str:
        return (
            f"the sentence shows the figure of slot {self.slot!r}, which has none as of the "
            f"month: put it inside {{% if {self.slot} %}} ... {{% endif %}}"
        )


def template_values(slots: Mapping[str, Figure | None]) -> dict[str, Figure | Missing]:
    """Slots for a template: a missing figure becomes a ``Missing`` that names its slot."""
    return {name: f if f is not None else Missing(name) for name, f in slots.items()}


def present(figure: Figure | Missing | None) -> Figure:
    """The figure a sentence shows, or ``ParameterError`` naming the slot that has none."""
    if isinstance(figure, Missing):
        raise ParameterError(figure.message())
    if figure is None:
        raise ParameterError("a sentence shows a figure that has no value as of the month")
    return figure
