"""The facilitator's programmes and sessions: create, invite, gates and the join screen."""
from __future__ import annotations

import io
from datetime import date

import segno
from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from assessment import bank_library, data_care, facilitation, facilitators, invitations, participation
from assessment.errors import NotFound, SessionLocked, UserError
from assessment.programmes import (create_programme, create_session, default_bank_id, has_answers,
                                   next_year_proposal, proposed_programme_year, session_from_previous,
                                   update_programme, update_session)
from assessment.extensions import db
from web.access import programme_or_404, read_only, require_change_rights, session_or_404, visible_programmes
from assessment.banks import load_banks
from assessment.mailer import mail_configured
from web.links import public_url_for
from web.locale import current_language
from assessment.models import SESSION_STATES
from assessment.results import consensus_grades, history_indicators, programme_history, session_total
from forms.base import error_text
from forms.facilitate import (EditSessionForm, InviteForm, NextSessionForm, ProgrammeForm, SessionForm,
                              ShareForm)
from assessment.labels import ROLE_LABELS
from wtforms import SelectChoice

bp = Blueprint("facilitate", __name__)


@bp.before_request
@login_required
def require_login():
    """Every page here is for logged-in facilitators."""


@bp.route("/programmes", methods=["GET", "POST"])
def programmes():
    form = ProgrammeForm()
    if request.method == "POST":
        require_change_rights()
    if form.validate_on_submit():
        programme = create_programme(form.name.data, form.municipality.data or "",
                                              form.county.data or "", form.start_year.data)
        facilitators.grant_access(programme, current_user, owner=True)
        flash(_("The programme is created."), "success")
        return redirect(url_for(".programme", programme_id=programme.id))
    return render_template("facilitate/programmes.html", programmes=visible_programmes(current_user),
                           form=form), 422 if form.errors else 200


def bank_label(bank) -> str:
    """A bank as a facilitator knows it: its title and version, not its technical id."""
    return _("%(title)s, version %(version)s", title=bank.title.get(current_language()),
             version=bank.version)


def _bank_choice_label(key: str, bank) -> str:
    """An uploaded version says so, beside the shipped banks."""
    if key.startswith(bank_library.UPLOADED_PREFIX):
        return _("%(bank)s (uploaded)", bank=bank_label(bank))
    return bank_label(bank)


def _refuse_unavailable_bank(key: str | None) -> None:
    """404 for a posted bank the user may not use (another's uploaded version): no hint it exists."""
    if request.method == "POST" and key and bank_library.bank_by_key(current_user, key) is None:
        raise NotFound(_("That question bank is not available."))


def _session_form(programme) -> SessionForm:
    banks, _problems = load_banks()
    form = SessionForm(bank_id=default_bank_id(banks))
    form.bank_id.choices = [SelectChoice(key, _bank_choice_label(key, b))
                            for key, b in bank_library.bank_choices(current_user)]
    proposed = proposed_programme_year(programme.start_year, date.today())
    if proposed is not None:
        form.programme_year.render_kw = {"placeholder": str(proposed)}
    return form


@bp.route("/programmes/<int:programme_id>", methods=["GET", "POST"])
def programme(programme_id: int):
    programme = programme_or_404(programme_id)
    form = _session_form(programme)
    _refuse_unavailable_bank(form.bank_id.data)
    if form.validate_on_submit():
        bank = bank_library.bank_by_key(current_user, form.bank_id.data)
        if bank is None:
            raise UserError(_("That question bank is not available."))
        year = form.programme_year.data or proposed_programme_year(
            programme.start_year, form.meeting_date.data or date.today())
        if year is None:
            form.programme_year.errors.append(_("Write the programme year: the programme has no "
                                                "start year to work it out from."))
        else:
            session = create_session(programme, bank, year, form.meeting_date.data,
                                     form.title.data or "", state="preparation")
            session.anonymous = form.anonymous.data
            db.session.commit()
            flash(_("The session is created. Open it for scoring when you are ready."), "success")
            return redirect(url_for(".session", session_id=session.id))
    latest = {}  # the latest session of each bank: what "new session from last year's" starts from
    for s in programme.sessions:
        latest[s.bank_id] = s
    return render_template("facilitate/programme.html", programme=programme, form=form,
                           share_form=ShareForm(prefix="share"), view_form=ShareForm(prefix="view"),
                           history=_history(programme),
                           latest=list(latest.values()),
                           lang=current_language()), 422 if form.errors else 200


@bp.route("/programmes/<int:programme_id>/edit", methods=["GET", "POST"])
def edit_programme(programme_id: int):
    programme = programme_or_404(programme_id)
    form = ProgrammeForm(obj=programme)
    if form.validate_on_submit():
        update_programme(programme, form.name.data, form.municipality.data or "",
                         form.county.data or "", form.start_year.data)
        flash(_("The programme is changed."), "success")
        return redirect(url_for(".programme", programme_id=programme.id))
    return render_template("facilitate/programme_edit.html", programme=programme,
                           form=form), 422 if form.errors else 200


def _history(programme) -> dict:
    """Consensus per indicator across the programme's years, for each bank with indicators; the
    indicators are those any year asked, matched by id across the bank's versions."""
    history = {}
    for bank_id in dict.fromkeys(s.bank_id for s in programme.sessions if s.bank.indicators):
        years = programme_history(programme, bank_id)
        history[bank_id] = {"bank": years[-1].session.bank, "years": years,
                            "indicators": history_indicators(years)}
    return history


@bp.route("/programmes/<int:programme_id>/share", methods=["POST"])
def share(programme_id: int):
    programme = programme_or_404(programme_id)
    form = ShareForm(prefix="share")
    if not form.validate_on_submit():
        raise UserError(error_text(form))
    facilitator = facilitators.share_programme(programme, form.email.data)
    flash(_("%(email)s now has access to the programme.", email=facilitator.email), "success")
    return redirect(url_for(".programme", programme_id=programme.id))


@bp.route("/programmes/<int:programme_id>/share-read-only", methods=["POST"])
def share_read_only(programme_id: int):
    programme = programme_or_404(programme_id)
    form = ShareForm(prefix="view")
    if not form.validate_on_submit():
        raise UserError(error_text(form))
    viewer = facilitators.share_read_only(programme, form.email.data)
    flash(_("%(email)s can now see the programme, read-only.", email=viewer.email), "success")
    return redirect(url_for(".programme", programme_id=programme.id))


@bp.route("/sessions/<int:session_id>")
def session(session_id: int):
    session = session_or_404(session_id)
    grades = consensus_grades(session)
    total = session_total(session.bank, session.programme_year, grades)
    if read_only():  # no join code, links, names or forms: the results' pages and the exports
        return render_template("facilitate/session_view.html", session=session, total=total,
                               previous=facilitation.previous_session(session), lang=current_language())
    invite = InviteForm(prefix="invite")
    invite.role_group.choices = [SelectChoice(k, _l(v)) for k, v in ROLE_LABELS.items()]
    return render_template("facilitate/session.html", session=session, bank=session.bank,
                           invite=invite, states=SESSION_STATES, mail_ready=mail_configured(),
                           previous=facilitation.previous_session(session),
                           total=total, lang=current_language())


@bp.route("/sessions/<int:session_id>/edit", methods=["GET", "POST"])
def edit_session(session_id: int):
    session = session_or_404(session_id)
    if session.is_locked:
        raise SessionLocked()
    # Not obj=session: its bank_id would preselect "that bank's newest version" instead of "keep".
    form = EditSessionForm(title=session.title, programme_year=session.programme_year,
                           meeting_date=session.meeting_date, bank_id="")
    _refuse_unavailable_bank(form.bank_id.data)
    answered = has_answers(session)
    keep = [SelectChoice("", _("Keep %(bank)s", bank=bank_label(session.bank)))]
    form.bank_id.choices = keep + [SelectChoice(key, _bank_choice_label(key, b))
                                   for key, b in bank_library.bank_choices(current_user)
                                   if b.hash != session.bank_hash]
    if form.validate_on_submit():
        bank = bank_library.bank_by_key(current_user, form.bank_id.data) if form.bank_id.data else None
        if form.bank_id.data and bank is None:
            raise UserError(_("That question bank is not available."))
        update_session(session, form.title.data or "", form.programme_year.data,
                       form.meeting_date.data, bank)
        flash(_("The session is changed."), "success")
        return redirect(url_for(".session", session_id=session.id))
    if answered:  # offered no more; update_session refuses a change with a clear message
        form.bank_id.choices = keep
    return render_template("facilitate/session_edit.html", session=session, form=form,
                           answered=answered), 422 if form.errors else 200


@bp.route("/sessions/<int:session_id>/next", methods=["GET", "POST"])
def next_session(session_id: int):
    """A new session made from this one: next year's, with its bank, gates, rules and people."""
    previous = session_or_404(session_id)
    # The newest version the user may use: their latest uploaded version of the bank id, if any
    # (a county's adaptation stays theirs), else the shipped file.
    entries = bank_library.versions_of(current_user, previous.bank_id)
    newest = entries[-1].bank if entries else None
    if newest is not None and newest.hash == previous.bank_hash:
        newest = None  # the bank has not changed since: there is only one version to choose
    year, when = next_year_proposal(previous)
    form = NextSessionForm(programme_year=year, meeting_date=when,
                           bank_version="newest" if newest else "same")
    if newest is None:
        form.bank_version.choices = [c for c in form.bank_version.choices if c.value == "same"]
    if form.validate_on_submit():
        session = session_from_previous(
            previous, form.programme_year.data, form.meeting_date.data, form.title.data or "",
            newest_bank=newest if form.bank_version.data == "newest" else None)
        flash(" ".join((
            _("The session is created from %(title)s.", title=previous.title),
            ngettext("%(num)d participant has a new personal link.",
                     "%(num)d participants have new personal links.", len(session.participants)),
            ngettext("%(num)d proposal is carried over.", "%(num)d proposals are carried over.",
                     len(session.proposals)))), "success")
        return redirect(url_for(".session", session_id=session.id))
    return render_template("facilitate/session_next.html", previous=previous, form=form,
                           newest=newest, bank_label=bank_label,
                           open_proposals=facilitation.open_proposals(previous)
                           ), 422 if form.errors else 200


@bp.route("/sessions/<int:session_id>/state", methods=["POST"])
def set_state(session_id: int):
    session = session_or_404(session_id)
    facilitation.set_state(session, request.form.get("state", ""))
    flash(_("The session state is changed."), "success")
    return redirect(url_for(".session", session_id=session.id))


@bp.route("/sessions/<int:session_id>/sections", methods=["POST"])
def set_section(session_id: int):
    session = session_or_404(session_id)
    facilitation.set_section_open(session, request.form.get("section", ""),
                              request.form.get("open") == "1")
    return redirect(url_for(".session", session_id=session.id) + "#sections")


@bp.route("/sessions/<int:session_id>/reveal", methods=["POST"])
def reveal(session_id: int):
    session = session_or_404(session_id)
    question_id = request.form.get("question") or None
    shown = request.form.get("reveal") == "1"
    facilitation.set_revealed(session, question_id, shown)
    question = session.bank.question(question_id) if question_id else None
    if question is not None:
        label = question.label.get(current_language())
        flash(_("Shown to participants: %(indicator)s", indicator=label) if shown
              else _("Hidden from participants: %(indicator)s", indicator=label), "success")
    else:
        flash(_("All results are shown to participants.") if shown
              else _("The results are hidden from participants."), "success")
    target = request.form.get("back")
    if target == "discussion":
        return redirect(url_for("discussion.agenda", session_id=session.id))
    if target and question_id:
        return redirect(url_for("discussion.indicator", session_id=session.id, question_id=question_id))
    return redirect(url_for(".session", session_id=session.id) + "#reveal")


@bp.route("/sessions/<int:session_id>/invite", methods=["POST"])
def invite(session_id: int):
    session = session_or_404(session_id)
    form = InviteForm(prefix="invite")
    form.role_group.choices = [SelectChoice(k, _l(v)) for k, v in ROLE_LABELS.items()]
    if not form.validate_on_submit():
        raise UserError(error_text(form))
    participation.join_session(session, form.name.data, form.role_group.data)
    flash(_("Personal link for %(name)s is ready below.", name=form.name.data), "success")
    return redirect(url_for(".session", session_id=session.id) + "#participants")


@bp.route("/sessions/<int:session_id>/invite-list", methods=["POST"])
def invite_list(session_id: int):
    """A pasted list of people: first a preview of each line as read, then (the same text posted
    again with confirm) everyone's personal link at once."""
    session = session_or_404(session_id)
    text = request.form.get("people", "")
    if len(text) > 100_000:
        raise UserError(_("The list is too long. Paste at most a few hundred people at a time."))
    lines = invitations.parse_invite_list(text)
    if request.form.get("confirm") == "1" and lines and not any(line.problem for line in lines):
        people = invitations.invite_people(session, lines)
        flash(ngettext("%(num)d personal link is ready below.", "%(num)d personal links are ready below.",
                       len(people)), "success")
        return redirect(url_for(".session", session_id=session.id) + "#participants")
    status = 422 if (not lines or any(line.problem for line in lines)) else 200
    return render_template("facilitate/invite_preview.html", session=session, text=text, lines=lines,
                           problems=[line for line in lines if line.problem]), status


def _fact_sheet_link(session) -> str | None:
    fact_sheet = invitations.fact_sheet_session(session)
    if fact_sheet is None:
        return None
    return public_url_for("participate.join", code=fact_sheet.join_code)


@bp.route("/sessions/<int:session_id>/send-invitations", methods=["POST"])
def send_invitations(session_id: int):
    """E-mail the personal links: to the people chosen, or to everyone with an address who has had none."""
    session = session_or_404(session_id)
    if request.form.get("to") == "all":
        people = invitations.not_yet_invited(session)
    else:
        people = invitations.chosen_participants(session, request.form.getlist("participant"))
    if not people:
        raise UserError(_("Choose whom to send the invitation to: nobody was chosen, or everyone "
                          "with an address has had one."))
    if not mail_configured():
        raise UserError(_("E-mail is not set up on this server: set MAIL_SERVER (see the README)."))
    delivery = invitations.send_invitations(
        session, people, request.form.get("language", "nb"),
        lambda p: public_url_for("participate.resume", token=p.token), _fact_sheet_link(session))
    if delivery.sent:
        flash(_("Invitation sent to %(names)s.", names=", ".join(p.name for p in delivery.sent)), "success")
    if delivery.without_address:
        flash(_("No e-mail address, not sent: %(names)s.",
                names=", ".join(p.name for p in delivery.without_address)), "error")
    if delivery.failed:
        flash(_("The e-mail server did not take the invitation for %(names)s. Nothing else is lost; "
                "check MAIL_SERVER and try again.", names=", ".join(p.name for p in delivery.failed)),
              "error")
    return redirect(url_for(".session", session_id=session.id) + "#invitations")


@bp.route("/sessions/<int:session_id>/links")
def link_sheet(session_id: int):
    """A printable sheet: each participant's name, role, personal link and its QR code."""
    session = session_or_404(session_id)
    people = []
    for participant in session.participants:
        link = public_url_for("participate.resume", token=participant.token)
        qr = segno.make(link, error="m").svg_data_uri(scale=3, border=2, dark="#000", light="#fff")
        people.append({"participant": participant, "link": link, "qr": qr})
    return render_template("facilitate/link_sheet.html", session=session, people=people)


@bp.route("/sessions/<int:session_id>/screen")
def screen(session_id: int):
    """The join code and QR code, big, for the projector."""
    session = session_or_404(session_id)
    return render_template("facilitate/screen.html", session=session,
                           front_url=public_url_for("main.index"),
                           join_url=public_url_for("participate.join", code=session.join_code))


@bp.route("/sessions/<int:session_id>/qr.svg")
def qr_code(session_id: int):
    session = session_or_404(session_id)
    url = public_url_for("participate.join", code=session.join_code)
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="svg", scale=10, border=2, dark="#000",
                                    light="#fff", xmldecl=False, svgclass=None, lineclass=None)
    return Response(buffer.getvalue(), mimetype="image/svg+xml")


def _confirmed() -> bool:
    """A destructive action runs only from its confirmation page's form (its second step)."""
    return request.method == "POST" and request.form.get("confirmed") == "1"


def _confirm_page(session, heading, explanation, button, action, status=200, typed=None, hidden=(),
                  back=None):
    return render_template("facilitate/confirm.html", session=session, heading=heading,
                           explanation=explanation, button=button, action=action, typed=typed,
                           hidden=hidden, back=back or url_for(".session", session_id=session.id)), status


@bp.route("/sessions/<int:session_id>/participants/<int:participant_id>/delete", methods=["GET", "POST"])
def delete_participant(session_id: int, participant_id: int):
    session = session_or_404(session_id)
    participant = next((p for p in session.participants if p.id == participant_id), None)
    if participant is None:
        abort(404)
    if not _confirmed():
        return _confirm_page(
            session, _("Delete %(name)s?", name=participant.name),
            _("%(name)s and their %(num)d answers will be deleted from the session, and their "
              "personal link will no longer work.", name=participant.name, num=len(participant.answers)),
            _("Delete %(name)s and their answers", name=participant.name),
            url_for(".delete_participant", session_id=session.id, participant_id=participant.id),
            back=url_for(".session", session_id=session.id) + "#participants")
    name = participant.name
    data_care.delete_participant(participant)
    flash(_("%(name)s and their answers are deleted.", name=name), "success")
    return redirect(url_for(".session", session_id=session.id) + "#participants")


@bp.route("/sessions/<int:session_id>/anonymise", methods=["GET", "POST"])
def anonymise(session_id: int):
    session = session_or_404(session_id)
    if not _confirmed():
        return _confirm_page(
            session, _("Anonymise the participants?"),
            _("The names of all %(num)d participants will be replaced by numbers and their personal "
              "links will stop working. Scores, justifications and consensus stay.",
              num=len(session.participants)),
            _("Anonymise the participants"), url_for(".anonymise", session_id=session.id),
            back=url_for(".session", session_id=session.id) + "#privacy")
    count = len(session.participants)
    data_care.anonymise_session(session)
    flash(_("%(num)d participants are anonymised: the names are replaced by numbers and the personal "
            "links no longer work.", num=count), "success")
    return redirect(url_for(".session", session_id=session.id) + "#privacy")


@bp.route("/sessions/<int:session_id>/delete", methods=["GET", "POST"])
def delete(session_id: int):
    """Delete a whole session: confirmed by typing its join code (here or on the session page)."""
    session = session_or_404(session_id)
    typed = (request.form.get("confirm") or "").strip()
    if request.method == "GET" or typed.upper() != session.join_code:
        error = _("Write the session's join code to confirm the deletion.") if request.method == "POST" else None
        return _confirm_page(
            session, _("Delete the session %(title)s?", title=session.title),
            _("The session, its %(num)d participants with their answers, the consensus and the "
              "proposals will be deleted.", num=len(session.participants)),
            _("Delete the session and all its data"), url_for(".delete", session_id=session.id),
            status=422 if error else 200,
            typed={"label": _("Write the join code (%(code)s) to confirm", code=session.join_code),
                   "value": typed, "error": error},
            back=url_for(".session", session_id=session.id) + "#privacy")
    programme_id = session.programme_id
    title = session.title
    data_care.delete_session(session)
    flash(_("The session %(title)s and all its data are deleted.", title=title), "success")
    return redirect(url_for(".programme", programme_id=programme_id))
