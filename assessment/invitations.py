"""Invitations: read a pasted list of people (name; role; optional e-mail), create their personal
links at once, and e-mail each their link in bokmål or English."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from babel.dates import format_date
from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l

from assessment.errors import SessionLocked, UserError
from assessment.extensions import db
from assessment.i18n import N_, translate
from assessment.labels import ROLE_LABELS, ROLE_SHORT_LABELS, key_for, label
from assessment.mailer import MailUnavailable, send_mail
from assessment.models import Invitation, Participant, ReviewSession, new_token, utcnow
from assessment.question_types import clean_text

LANGUAGES = ("nb", "en")
# Short and everyday names of the roles, as people write them in a list (lower case).
ROLE_ALIASES = {
    **{alias: "leadership" for alias in (
        "ledelse", "leder", "lead", "board", "board member", "board chair", "chair", "styre",
        "styremedlem", "styreleder", "nestleder", "programleder", "programme manager",
        "program manager", "manager", "programledelse", "programme leadership", "programleiing",
        "omstillingsledelse", "omstillingsledelsen", "eier", "owner")},
    **{alias: "observer_county" for alias in (
        "county", "fylke", "fylket", "fylkeskommune", "fylkeskommunen", "fk", "observer county",
        "observatør fylke", "observatør fylkeskommunen")},
    **{alias: "observer_innovation_norway" for alias in (
        "in", "innovasjon norge", "innovation norway", "observer in", "observatør in",
        "observer innovation norway", "observatør innovasjon norge")},
    **{alias: "observer_municipality" for alias in (
        "municipality", "kommune", "kommunen", "observer municipality", "observatør kommune",
        "observatør kommunen")},
}
# A line's fields are split by the first of these that it contains: a tab (pasted from Excel) first,
# a comma last (names seldom have one, but an address list might).
SEPARATORS = ("\t", ";", "|", " - ", " – ", ",")
HEADER_NAMES = ("name", "navn")


@dataclass
class InviteLine:
    """One line of a pasted list as read: a person, or the reason it cannot be read."""
    number: int
    text: str
    name: str = ""
    role_group: str = ""
    email: str | None = None
    problem: str | None = None


def role_from_text(text: str) -> str | None:
    """The role a person wrote: its code, its name or short name in either language, or an alias."""
    shown = " ".join((text or "").replace("_", " ").split()).lower()
    if not shown:
        return None
    return (key_for(ROLE_LABELS, shown) or key_for(ROLE_SHORT_LABELS, shown)
            or key_for(ROLE_LABELS, shown.replace(" ", "_")) or ROLE_ALIASES.get(shown))


def split_fields(line: str) -> list[str]:
    """A line's fields, split by the first separator it contains."""
    for separator in SEPARATORS:
        if separator in line:
            return [field.strip() for field in line.split(separator)]
    return [line.strip()]


def _read_line(number: int, text: str) -> InviteLine:
    line = InviteLine(number, text)
    fields = split_fields(text)
    while len(fields) > 1 and not fields[-1]:  # a trailing separator, as Excel leaves
        fields.pop()
    if len(fields) < 2:
        line.problem = N_("a name and a role are needed, separated by ; or a tab")
        return line
    if len(fields) > 3:
        line.problem = N_("more than three fields (name; role; e-mail)")
        return line
    line.name = " ".join(clean_text(fields[0]).split())
    if not line.name:
        line.problem = N_("the name is missing")
    elif len(line.name) > 120:
        line.problem = N_("the name is too long (at most 120 characters)")
    elif (role := role_from_text(fields[1])) is None:
        line.problem = N_("the role is not one we know")
    else:
        line.role_group = role
    if line.problem is None and len(fields) == 3 and fields[2]:
        try:
            line.email = validate_email(fields[2], check_deliverability=False).normalized
        except EmailNotValidError:
            line.problem = N_("the e-mail address is not valid")
    return line


def parse_invite_list(text: str) -> list[InviteLine]:
    """Every non-blank line of a pasted list, read; a first line naming the columns is skipped."""
    lines = []
    for number, raw in enumerate((text or "").splitlines(), start=1):
        if not raw.strip():
            continue
        if not lines and split_fields(raw)[0].strip().lower() in HEADER_NAMES:
            continue
        lines.append(_read_line(number, raw))
    return lines


def invite_people(session: ReviewSession, lines: list[InviteLine]) -> list[Participant]:
    """Create a participant with a personal link for every line, all at once; a list with a line
    that cannot be read, or no lines, creates nobody."""
    if session.is_locked:
        raise SessionLocked()
    if not lines:
        raise UserError(_l("Paste at least one person: name; role; e-mail (optional)."))
    if any(line.problem for line in lines):
        raise UserError(_l("Some lines cannot be read. Correct them and preview the list again."))
    people = [Participant(session_id=session.id, token=new_token(), name=line.name,
                          role_group=line.role_group, email=line.email) for line in lines]
    db.session.add_all(people)
    db.session.commit()
    return people


@dataclass
class Delivery:
    """What became of the invitations sent in one go."""
    sent: list[Participant]
    failed: list[Participant]
    without_address: list[Participant]


def fact_sheet_session(session: ReviewSession) -> ReviewSession | None:
    """The programme's fact-sheet session for the same programme year, if there is one (the newest)."""
    candidates = [s for s in session.programme.sessions
                  if s.id != session.id and s.programme_year == session.programme_year]
    return next((s for s in sorted(candidates, key=lambda s: s.id, reverse=True)
                 if s.bank.kind == "fact_sheet"), None)


def gets_fact_sheet(participant: Participant) -> bool:
    """The fact sheet goes to the programme's leadership: the roles do not tell the programme
    manager from the board members, so the message says who it is for."""
    return participant.role_group == "leadership"


def invitation_message(session: ReviewSession, participant: Participant, lang: str, link: str,
                       fact_sheet_link: str | None = None) -> tuple[str, str]:
    """The subject and plain-text body of a participant's invitation in `lang`."""
    def t(message: str, **params) -> str:
        return translate(message, lang, **params)

    programme = session.programme
    subject = t(N_("Invitation: %(title)s"), title=session.title)
    lines = [t(N_("Hello %(name)s,"), name=participant.name), "",
             t(N_("You are invited to the status review \"%(title)s\" of %(programme)s."),
               title=session.title, programme=programme.name)]
    if session.meeting_date:
        lines.append(t(N_("Date: %(date)s"), date=format_date(session.meeting_date, "long", locale=lang)))
    lines.append(t(N_("Your role: %(role)s"), role=label(ROLE_LABELS, participant.role_group, lang)))
    lines += ["", t(N_("Your personal link (keep it to yourself; it brings you back to your answers):")),
              link]
    if fact_sheet_link:
        lines += ["", t(N_("If you are the programme manager: please fill in the fact sheet before the "
                           "meeting, here:")), fact_sheet_link]
    lines += ["", t(N_("The link works on a phone, a tablet or a laptop. You can stop and go on later "
                       "with the same link.")), "", t(N_("Best regards,")), t(N_("The facilitator"))]
    return subject, "\n".join(lines) + "\n"


def send_invitations(session: ReviewSession, participants: list[Participant], lang: str,
                     link_for: Callable[[Participant], str],
                     fact_sheet_link: str | None = None) -> Delivery:
    """E-mail each participant who has an address their personal link, one message each; each
    message the server takes is recorded at once, so a later failure loses nothing."""
    if lang not in LANGUAGES:
        raise UserError(_l("Choose the language of the e-mail."))
    delivery = Delivery([], [], [])
    for participant in participants:
        if not participant.email:
            delivery.without_address.append(participant)
            continue
        subject, body = invitation_message(
            session, participant, lang, link_for(participant),
            fact_sheet_link if gets_fact_sheet(participant) else None)
        try:
            send_mail(participant.email, subject, body)
        except MailUnavailable:
            delivery.failed.append(participant)
            continue
        db.session.add(Invitation(participant_id=participant.id, sent_at=utcnow(),
                                  to_address=participant.email, language=lang))
        db.session.commit()
    delivery.sent = [p for p in participants if p not in delivery.failed and p not in delivery.without_address]
    return delivery


def not_yet_invited(session: ReviewSession) -> list[Participant]:
    """The session's participants with an address who have had no invitation."""
    return [p for p in session.participants if p.email and not p.invitations]


def chosen_participants(session: ReviewSession, ids: list[str]) -> list[Participant]:
    """The session's participants among the ids a form sent (others are ignored)."""
    wanted = {int(i) for i in ids if str(i).isdigit()}
    return [p for p in session.participants if p.id in wanted]

