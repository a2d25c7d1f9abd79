"""Forms of the facilitator's pages: login, programmes, sessions, consensus and proposals."""
from flask_babel import lazy_gettext as _l
from wtforms import (BooleanField, DateField, DecimalField, EmailField, IntegerField, PasswordField, RadioField,
                     SelectChoice, SelectField, StringField, TextAreaField)
from wtforms.validators import DataRequired, Email, InputRequired, Length, NumberRange, Optional

from assessment.labels import PRIORITY_LABELS, STATUS_LABELS
from assessment.models import PRIORITIES, PROPOSAL_STATUSES
from forms.base import Form



class LoginForm(Form):
    email = EmailField(_l("Email"), validators=[DataRequired(_l("Write your email address.")),
                                                Length(max=254)],
                       render_kw={"autocomplete": "username"})
    password = PasswordField(_l("Password"), validators=[DataRequired(_l("Write your password."))],
                             render_kw={"autocomplete": "current-password"})


class ProgrammeForm(Form):
    name = StringField(_l("Name of the programme"), validators=[
        DataRequired(_l("The programme needs a name.")), Length(max=200)])
    municipality = StringField(_l("Municipality"), validators=[Optional(), Length(max=200)])
    county = StringField(_l("County"), validators=[Optional(), Length(max=200)])
    start_year = IntegerField(_l("First programme year (calendar year)"), validators=[
        Optional(), NumberRange(min=1990, max=2100, message=_l("A year such as 2024."))])


def _programme_year(*required):
    return IntegerField(_l("Programme year"), validators=[
        *required, NumberRange(min=1, max=6, message=_l("The programme year must be from 1 to 6."))])


class SessionForm(Form):
    bank_id = RadioField(_l("Question bank"), validators=[InputRequired(_l("Choose a question bank."))])
    title = StringField(_l("Title"), validators=[Optional(), Length(max=200)])
    # Blank: worked out from the programme's start year and the meeting's date.
    programme_year = _programme_year(Optional())
    meeting_date = DateField(_l("Date of the meeting"), validators=[Optional()])
    anonymous = BooleanField(_l("Anonymous: hide names on the dashboard"))


class EditSessionForm(Form):
    title = StringField(_l("Title"), validators=[Optional(), Length(max=200)])
    programme_year = _programme_year(InputRequired(_l("Write the programme year.")))
    meeting_date = DateField(_l("Date of the meeting"), validators=[Optional()])
    # "": keep the bank the session runs with; a bank id: that bank's version in question_banks/.
    bank_id = RadioField(_l("Question bank"), default="", validators=[Optional()])


class NextSessionForm(Form):
    """Next year's session from last year's: the proposed year and date, and which bank version."""

    title = StringField(_l("Title"), validators=[Optional(), Length(max=200)])
    programme_year = _programme_year(InputRequired(_l("Write the programme year.")))
    meeting_date = DateField(_l("Date of the meeting"), validators=[Optional()])
    bank_version = RadioField(_l("Question bank"), default="newest", choices=[
        SelectChoice("newest", _l("The newest version of the question bank")),
        SelectChoice("same", _l("The same version as last year"))],
        validators=[InputRequired(_l("Choose a version of the question bank."))])


class DivergenceRulesForm(Form):
    """A session's own thresholds for flagging divergent scores (empty: the rule is not used)."""

    range = IntegerField(_l("Range: highest minus lowest score at least"), validators=[
        Optional(), NumberRange(min=1, max=20, message=_l("The range must be a whole number from 1 to 20."))])
    stdev = DecimalField(_l("Standard deviation at least"), use_locale=True, validators=[
        Optional(), NumberRange(min=0.01, max=10,
                                message=_l("The standard deviation must be above 0 and at most 10."))])
    split = DecimalField(_l("Split: share of scores on each side of the middle at least (0-0.5)"),
                         use_locale=True, validators=[
        Optional(), NumberRange(min=0.01, max=0.5, message=_l("The split must be above 0 and at most 0.5."))])


class ShareForm(Form):
    email = EmailField(_l("Email of the facilitator to give access"), validators=[
        DataRequired(_l("Write an email address.")), Email(_l("Write a valid email address.")),
        Length(max=254)])


class BankShareForm(Form):
    colleagues = TextAreaField(_l("Share with colleagues (e-mail addresses or names, one a line)"),
                               validators=[Optional(), Length(max=5000)])


class InviteForm(Form):
    name = StringField(_l("Name"), validators=[DataRequired(_l("Please write a name.")), Length(max=120)])
    role_group = SelectField(_l("Role"), validators=[InputRequired()])


class ConsensusForm(Form):
    grade = SelectField(_l("Consensus grade"), validators=[Optional()])
    conclusion = TextAreaField(_l("Conclusion (Markdown)"), validators=[Length(max=20000)])
    dissent = TextAreaField(_l("Dissent, if any"), validators=[Length(max=5000)])


class ProposalForm(Form):
    text = TextAreaField(_l("Improvement proposal"), validators=[
        DataRequired(_l("Write the proposal.")), Length(max=5000)])
    owner = StringField(_l("Owner"), validators=[Optional(), Length(max=200)])
    deadline = DateField(_l("Deadline"), validators=[Optional()])
    priority = SelectField(_l("Priority"), default="medium",
                           choices=[SelectChoice(k, _l(v)) for k, v in PRIORITY_LABELS.items()])
    status = SelectField(_l("Status"), default="new",
                         choices=[SelectChoice(k, _l(v)) for k, v in STATUS_LABELS.items()])


assert set(PRIORITY_LABELS) == set(PRIORITIES) and set(STATUS_LABELS) == set(PROPOSAL_STATUSES)
