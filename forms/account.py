"""A facilitator's own account: change the password, ask for a reset link, set a new one."""
from flask_babel import lazy_gettext as _l
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, EqualTo, Length

from forms.base import Form

NEW_PASSWORD = {"autocomplete": "new-password"}


def _new_password_fields():
    new = PasswordField(_l("New password"), validators=[DataRequired(_l("Write a new password."))],
                        render_kw=NEW_PASSWORD)
    repeat = PasswordField(_l("The new password again"), validators=[
        DataRequired(_l("Write the new password again.")),
        EqualTo("new_password", _l("The two new passwords are not the same."))], render_kw=NEW_PASSWORD)
    return new, repeat


class ChangePasswordForm(Form):
    current_password = PasswordField(_l("Current password"), validators=[
        DataRequired(_l("Write your current password."))], render_kw={"autocomplete": "current-password"})
    new_password, repeat_password = _new_password_fields()


class ForgotPasswordForm(Form):
    email = EmailField(_l("Email"), validators=[DataRequired(_l("Write your email address.")),
                                                Length(max=254)],
                       render_kw={"autocomplete": "username"})


class ResetPasswordForm(Form):
    new_password, repeat_password = _new_password_fields()
