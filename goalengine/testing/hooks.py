"""The ``hypothesis`` entry point: ``st.from_type`` for goalengine's types.

Hypothesis runs :func:`_hypothesis_setup_hook` while it is being imported, possibly from
inside the import of :mod:`goalengine.testing.strategies` itself; so this module imports
no strategies, and each registration looks them up only when Hypothesis first needs one.
"""

from __future__ import annotations

from typing import Any

__all__ = ["_hypothesis_setup_hook"]


def _hypothesis_setup_hook() -> None:
    """Register strategies for :class:`Period`, :class:`Series` and :class:`Dataset`."""
    from hypothesis import strategies as st

    from ..data.dataset import Dataset, Series
    from ..periods import Period

    def lazily(name: str) -> Any:
        def resolve(_: type) -> st.SearchStrategy[Any]:
            from . import strategies

            made: st.SearchStrategy[Any] = getattr(strategies, name)()
            return made

        return resolve

    st.register_type_strategy(Period, lazily("periods"))
    st.register_type_strategy(Series, lazily("series"))
    st.register_type_strategy(Dataset, lazily("datasets"))
