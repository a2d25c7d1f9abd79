"""Outgoing e-mail: plain-text messages through Flask-Mail to the SMTP server in MAIL_SERVER."""
from __future__ import annotations

import smtplib

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_mail import Message

from assessment.errors import UserError
from assessment.extensions import mail


class MailUnavailable(UserError):
    """No server is set, or it refused or could not be reached: nothing was sent."""

    status_code = 503


def mail_configured() -> bool:
    return bool(current_app.config.get("MAIL_SERVER"))


def send_mail(to: str, subject: str, body: str) -> None:
    """Send one message to `to`; MailUnavailable (and a warning in the log) when it cannot go."""
    if not mail_configured():
        raise MailUnavailable(_l("E-mail is not set up on this server: set MAIL_SERVER (see the README)."))
    try:
        mail.send(Message(subject=subject, recipients=[to], body=body))
    except (OSError, smtplib.SMTPException) as error:
        current_app.logger.warning("E-mail to the SMTP server %s failed: %s",
                                   current_app.config["MAIL_SERVER"], error)
        raise MailUnavailable(_l("The e-mail server could not take the message. Nothing was sent; "
                                 "try again later.")) from error
