"""The participant's side: join, the multi-step form, review and submit."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from assessment import participation, rules
from assessment.fact_sheets import fact_sheet_for
from assessment.errors import NotFound, SessionLocked, UserError
from web.limits import count_failed_attempt, failed_attempt_limit
from web.locale import current_language
from assessment.participation import find_participant, find_session_by_code
from assessment.question_types import display as display_value
from forms.join import JoinForm
from forms.step import make_step_form

bp = Blueprint("participate", __name__)


@bp.route("/join/<code>", methods=["GET", "POST"])
@failed_attempt_limit("JOIN_RATE_LIMIT", scope="join-code")
def join(code: str):
    session = find_session_by_code(code)
    if session.is_locked:
        # Said before anyone fills in the form; those who joined earlier still have their links.
        return render_template("participate/join.html", session=session, form=None), 409
    form = JoinForm()
    if form.validate_on_submit():
        token = participation.join_session(session, form.name.data, form.role_group.data)
        # Straight to the first step (one round trip less than by the personal link, /p/<token>).
        return redirect(url_for(".step", token=token, number=1))
    return render_template("participate/join.html", session=session, form=form), (
        422 if form.errors else 200)


def _participant(token: str):
    """The participant behind a personal link. Every page under one shares a budget of unknown
    tokens, counted only when one is unknown."""
    try:
        return find_participant(token)
    except NotFound:
        count_failed_attempt("JOIN_RATE_LIMIT", scope="personal-link")
        raise


@bp.route("/p/<token>")
def resume(token: str):
    """The personal link: back to where the participant was."""
    participant = _participant(token)
    if participant.submitted_at or participant.session.is_locked:
        return redirect(url_for(".review", token=token))
    step = min(participant.current_step, len(participant.session.bank.sections) - 1)
    return redirect(url_for(".step", token=token, number=step + 1))


@bp.route("/p/<token>/step/<int:number>", methods=["GET", "POST"])
def step(token: str, number: int):
    participant = _participant(token)
    bank = participant.session.bank
    if not 1 <= number <= len(bank.sections):
        abort(404)
    section = bank.sections[number - 1]
    saved = participation.saved_answers(participant)
    stored = participation.stored_answers(participant, saved)
    known = {qid: value for qid, (value, _c) in stored.items()}
    lang = current_language()

    if request.method == "GET":
        if participant.session.is_locked:
            return redirect(url_for(".review", token=token))
        form = make_step_form(section, known, lang, stored=stored, role_group=participant.role_group)
        return render_template("participate/step.html",
                               **_step_context(participant, number, form, stored, saved))

    form = make_step_form(section, known, lang, formdata=request.form,
                          role_group=participant.role_group)
    if participant.session.is_locked:
        raise SessionLocked()
    if not participant.session.is_section_open(section.id):
        # Closed while the page was open: keep what was typed in the page, store nothing.
        flash(_("The facilitator has closed this step for now. What you typed is still here; "
                "press Save again when the step is open."), "error")
        return render_template("participate/step.html",
                               **_step_context(participant, number, form, stored, saved, show_form=True)), 409
    action = request.form.get("action", "save")
    target = _target_step(action, number, len(bank.sections))
    valid = form.validate()
    # Next must be complete; Back, Save and the step list only refuse what is malformed.
    blocked = not valid if action == "next" else form.errors_beyond_missing()
    # Save whatever is valid, whichever button was pressed: closing the browser loses nothing.
    moves = not blocked and target is not None
    participation.save_step(participant, form.values(), next_step=target - 1 if moves else None,
                            saved=saved)
    if blocked:
        saved = participation.saved_answers(participant)  # as saved just now
        return render_template("participate/step.html",
                               **_step_context(participant, number, form, stored, saved)), 422
    if action == "save":
        flash(_("Saved."), "success")
    if target is None:
        return redirect(url_for(".review", token=token))
    return redirect(url_for(".step", token=token, number=target))


def _target_step(action: str, number: int, count: int) -> int | None:
    """The step a button leads to (1-based), or None for the review page."""
    if action == "next":
        return number + 1 if number < count else None
    if action == "back":
        return max(number - 1, 1)
    if action == "review":
        return None
    if action.startswith("goto-") and action[5:].isascii() and action[5:].isdigit() and len(action) <= 9:
        return min(max(int(action[5:]), 1), count)
    return number


def _step_context(participant, number: int, form, stored, saved, show_form: bool | None = None) -> dict:
    bank = participant.session.bank
    section = bank.sections[number - 1]
    lang = current_language()
    show_form = participant.session.is_section_open(section.id) if show_form is None else show_form
    answers = {qid: (row.value, row.comment) for qid, row in saved.items()}
    return {
        "finished_steps": rules.finished_sections(bank, answers, participant.role_group),
        "fact_sheet": fact_sheet_for(participant.session, lang),
        "show_form": show_form,
        "saved_at": participation.step_saved_at(saved, section),
        "read_only": [] if show_form else [  # a closed step shows the answers as text
            (question.label.get(lang), display_value(question, stored.get(question.id, (None, ""))[0], lang))
            for question, _field, _comment, _live in form.displayed_fields()
        ],
        "open_steps": [participant.session.is_section_open(s.id) for s in bank.sections],
        "participant": participant,
        "session": participant.session,
        "bank": bank,
        "section": bank.sections[number - 1],
        "number": number,
        "count": len(bank.sections),
        "form": form,
        "lang": lang,
    }


@bp.route("/p/<token>/review")
def review(token: str):
    participant = _participant(token)
    return render_template("participate/review.html", **_review_context(participant))


@bp.route("/p/<token>/submit", methods=["POST"])
def submit(token: str):
    participant = _participant(token)
    try:
        participation.submit(participant)
    except SessionLocked:
        raise
    except UserError as error:
        flash(error.message, "error")
        return render_template("participate/review.html", **_review_context(participant)), 422
    flash(_("Thank you! Your answers are submitted. You can change them until the facilitator "
            "locks the session."), "success")
    return redirect(url_for(".review", token=token))


def _review_context(participant) -> dict:
    bank = participant.session.bank
    lang = current_language()
    stored = participation.stored_answers(participant)
    values = {qid: value for qid, (value, _c) in stored.items()}
    visible = rules.visible_questions(bank, values, participant.role_group)
    shown = {q.id for q in visible}
    missing = {q.id for q in rules.missing_required(bank, stored, visible)}
    steps = []
    for index, section in enumerate(bank.sections, start=1):
        rows = []
        for question in section.questions:
            if question.id not in shown:
                continue
            value, comment = stored.get(question.id, (None, ""))
            rows.append({
                "question": question,
                "label": question.label.get(lang),
                "value": display_value(question, value, lang),
                "comment": comment,
                "missing": question.id in missing,
            })
        steps.append({"number": index, "section": section, "rows": rows,
                      "missing": any(r["missing"] for r in rows)})
    return {
        "participant": participant,
        "session": participant.session,
        "bank": bank,
        "steps": steps,
        "missing_count": len(missing),
        "lang": lang,
    }


@bp.route("/p/<token>/results")
def results(token: str):
    """The indicators the facilitator has revealed, and nothing else (no anchoring)."""
    from assessment.results import indicator_results

    participant = _participant(token)
    session = participant.session
    shown = [r for r in indicator_results(session) if session.is_revealed(r.question.id)]
    for result in shown:
        result.responses = []  # participants see the distribution, not who said what
    return render_template("participate/results.html", participant=participant, session=session,
                           bank=session.bank, results=shown, lang=current_language())
