"""What the interface calls the app's fixed values: roles, session states, priorities, statuses."""
from flask_babel import lazy_gettext as _l

ROLE_LABELS = {
    "leadership": _l("Programme leadership (board member or programme manager)"),
    "observer_county": _l("Observer from the county"),
    "observer_innovation_norway": _l("Observer from Innovation Norway"),
    "observer_municipality": _l("Observer from the municipality"),
}
ROLE_SHORT_LABELS = {
    "leadership": _l("Leadership"),
    "observer_county": _l("County"),
    "observer_innovation_norway": _l("Innovation Norway"),
    "observer_municipality": _l("Municipality"),
}
STATE_LABELS = {
    "preparation": _l("Preparation"),
    "scoring": _l("Scoring"),
    "discussion": _l("Discussion"),
    "closed": _l("Closed (locked)"),
}
PRIORITY_LABELS = {"high": _l("High"), "medium": _l("Medium"), "low": _l("Low")}
STATUS_LABELS = {"new": _l("New"), "in_progress": _l("In progress"), "done": _l("Done"),
                 "dropped": _l("Dropped")}


def label(mapping: dict, key: str) -> str:
    return str(mapping.get(key, key))
