"""convex_review: review a Convex app against the guide, with measured evidence.

The reviewer reads an app folder (the static pass, `static_pass`), runs it on
the playground (the dynamic pass, `dynamic_pass`), and reports findings. Each
finding names a rule from `rules.RULES`: a stable id, one of the six review
categories of the guide, a severity, and the guide page that explains it.
"""

from .findings import Finding
from .rules import CATEGORIES, RULES, Rule

__all__ = ["CATEGORIES", "Finding", "RULES", "Rule"]
