"""Forms for joining a session: the join code, then name and role."""
from flask_babel import lazy_gettext as _l
from assessment.labels import ROLE_LABELS
from forms.base import Form
from wtforms import RadioField, SelectChoice, StringField
from wtforms.validators import DataRequired, Length



class CodeForm(Form):
    code = StringField(_l("Join code"), validators=[
        DataRequired(_l("Write the code shown on the screen.")), Length(max=20)],
        render_kw={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"})


class JoinForm(Form):
    name = StringField(_l("Your name"), validators=[
        DataRequired(_l("Please write your name.")),
        Length(max=120, message=_l("At most %(max)d characters, please."))],
        render_kw={"autocomplete": "name"})
    role_group = RadioField(_l("Your role"), choices=[SelectChoice(v, _l(l)) for v, l in ROLE_LABELS.items()],
                            validators=[DataRequired(_l("Please choose your role."))])
