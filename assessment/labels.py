"""What the app's fixed values are called: roles, session states, priorities, statuses. English
message ids, translated by Babel where they are shown: `label(...)` for a given language (exports),
gettext in the web layer."""
from __future__ import annotations

from assessment.i18n import N_, translate

ROLE_LABELS = {
    "leadership": N_("Programme leadership: board member or programme manager"),
    "observer_county": N_("Observer from the county"),
    "observer_innovation_norway": N_("Observer from Innovation Norway"),
    "observer_municipality": N_("Observer from the municipality"),
}
# The roles where there is less room (dashboard, exports): the same names, without the parenthesis.
ROLE_SHORT_LABELS = {"leadership": N_("Leadership"), **{key: message for key, message in ROLE_LABELS.items()
                                                        if key != "leadership"}}
STATE_LABELS = {
    "preparation": N_("Preparation"),
    "scoring": N_("Scoring"),
    "discussion": N_("Discussion"),
    "closed": N_("Closed (locked)"),
}
PRIORITY_LABELS = {"high": N_("High"), "medium": N_("Medium"), "low": N_("Low")}
STATUS_LABELS = {"new": N_("New"), "in_progress": N_("In progress"), "done": N_("Done"),
                 "dropped": N_("Dropped")}
# Why an indicator's scores count as divergent (scoring.divergence_reasons), for the badge's tooltip.
DIVERGENCE_REASON_LABELS = {"range": N_("the scores span a wide range"),
                            "stdev": N_("the standard deviation is high"),
                            "split": N_("the scores split into two camps")}
# Earlier bokmål names of the statuses, so that older workbooks still import.
STATUS_ALIASES = {"påbegynt": "in_progress", "gjennomført": "done", "droppet": "dropped"}


def label(labels: dict[str, str], key: str, lang: str) -> str:
    """The name of `key` in `lang`; the key itself when it has none."""
    return translate(labels[key], lang) if key in labels else key


def key_for(labels: dict[str, str], shown: str, aliases: dict[str, str] | None = None) -> str | None:
    """The key whose name is `shown` in any language, or the key itself, or an older name in
    `aliases` (reading a workbook back); None when it is none of them."""
    shown = (shown or "").strip().lower()
    for key, message in labels.items():
        if shown in (message.lower(), translate(message, "nb").lower(), key):
            return key
    return (aliases or {}).get(shown)
