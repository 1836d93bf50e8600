"""goalengine: judge declarative policy goals against measured data.

>>> import goalengine
>>> report = goalengine.evaluate(
...     "employment_rate >= baseline + 10pp by 2010",
...     data={"employment_rate": {"2007-H1": 54.4, "2008-08": 59.9}},
...     as_of="2009-03-31",
... )

(with ``baseline`` declared through :meth:`Goal.parse` -- see the README).
"""

from __future__ import annotations

from .data import Dataset, Series, load_dataset
from .engine.scalar import evaluate, evaluate_goal, evaluate_many
from .errors import (
    DataError,
    Diagnostic,
    EvaluationError,
    GoalEngineError,
    PeriodError,
    RuleFileError,
    RuleSyntaxError,
    Span,
    UnknownNameError,
)
from .models import Explanation, Observation, Report, Result, ResultError, Step, Verdict
from .periods import Period
from .rulefile import find_rule_files, load_rules, read_rules
from .ruleset import Baseline, FixtureCase, Goal, RuleSet
from .validation import Validation, validate

__version__ = "0.1.0"

__all__ = [
    "Baseline",
    "DataError",
    "Dataset",
    "Diagnostic",
    "EvaluationError",
    "Explanation",
    "FixtureCase",
    "Goal",
    "GoalEngineError",
    "Observation",
    "Period",
    "PeriodError",
    "Report",
    "Result",
    "ResultError",
    "RuleFileError",
    "RuleSet",
    "RuleSyntaxError",
    "Series",
    "Span",
    "Step",
    "UnknownNameError",
    "Validation",
    "Verdict",
    "__version__",
    "evaluate",
    "evaluate_goal",
    "evaluate_many",
    "find_rule_files",
    "load_dataset",
    "load_rules",
    "read_rules",
    "validate",
]
