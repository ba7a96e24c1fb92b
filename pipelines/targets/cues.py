"""Compiled cue patterns, built once from the vocabulary seed (see vocab.py).

Cue patterns are matched on diacritics-folded lower-case text (see fold_phrase), so
"Phấn đấu", "phấn  đấu" and "Phan dau" read alike; unit nouns on the text itself.
"""

from __future__ import annotations

import re

from pipelines.targets.vocab import VOCAB

STRONG_CUES = VOCAB.cue("commitment_cue")
ACTION_CUES = VOCAB.cue("action_cue")
PAST = VOCAB.cue("past_cue")
FORWARD = VOCAB.cue("forward_cue")
GOAL_HEADING = VOCAB.folded("goal_heading")
REPORT_HEADING = VOCAB.folded("report_heading")
RESULTS_HEADING = VOCAB.folded("results_heading")
FORWARD_HEADING = VOCAB.folded("forward_heading")
PLAN_COLUMN = VOCAB.folded("plan_column")
ACTUAL_COLUMN = VOCAB.folded("actual_column")
UNIT_COLUMN = VOCAB.folded("unit_column")
LABEL_COLUMN = VOCAB.folded("label_column")
CUMULATIVE = VOCAB.folded("cumulative_marker")
OTHER_COLUMN = VOCAB.folded("other_column")
NORM_COLUMN = VOCAB.folded("norm_column")
REQUEST_CUES = VOCAB.folded("request_cue")
BUDGET_LABEL = VOCAB.folded("budget_label")

UNIT_RE = re.compile(
    r"^\s*(?P<unit>"
    + "|".join(sorted((re.escape(u) for u in VOCAB.literal("unit_noun")), key=len, reverse=True))
    + r")\b",
    re.IGNORECASE,
)
