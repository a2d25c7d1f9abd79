"""The day itself, for the facilitator: live dashboard, discussion agenda, consensus, proposals."""
from __future__ import annotations

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from wtforms import SelectChoice

from assessment import facilitation
from web.access import read_only, session_or_404
from assessment.extensions import db
from web.locale import current_language
from assessment.models import Proposal
from assessment.results import (collect_answers, consensus_by_question, consensus_grades, discussion_agenda,
                                discussed_results, divergence_rules, indicator_results, live_version, other_answers,
                                progress, session_total)
from forms.agreed import agreed_answer_form
from forms.facilitate import ConsensusForm, DivergenceRulesForm, ProposalForm
from forms.question_html import render_question_afresh
from assessment.question_types import display as display_value

bp = Blueprint("discussion", __name__)


@bp.before_request
@login_required
def require_login():
    """Every page here is for logged-in facilitators."""


def _roles_only() -> str | None:
    """The language to label participants by role group in, for a viewer; None shows names."""
    return current_language() if read_only() else None


def _dashboard_context(session, version: str | None = None) -> dict:
    answers = collect_answers(session)
    results = indicator_results(session, answers, _roles_only())
    consensus = consensus_by_question(session)
    grades = consensus_grades(session)
    means = {r.question.id: r.stats.mean for r in results}
    return {
        "session": session, "bank": session.bank, "lang": current_language(),
        "results": results, "discussed": discussed_results(session, answers, _roles_only()),
        "progress": progress(session, answers, _roles_only()), "read_only": read_only(), "consensus": consensus, "display_value": display_value,
        "total": session_total(session.bank, session.programme_year, grades),
        "score_total": session_total(session.bank, session.programme_year, means),
        "version": version or live_version(session),
    }


@bp.route("/sessions/<int:session_id>/dashboard")
def dashboard(session_id: int):
    session = session_or_404(session_id)
    return render_template("discussion/dashboard.html", **_dashboard_context(session))


@bp.route("/sessions/<int:session_id>/live")
def live(session_id: int):
    """The dashboard's contents when anything changed since `version`; 204 otherwise.
    Polled by the page; state is in the database, so any worker process can answer."""
    session = session_or_404(session_id)
    version = live_version(session)
    if request.args.get("version") == version:
        return "", 204
    context = _dashboard_context(session, version)
    return jsonify(version=version, html=render_template("discussion/_live.html", **context),
                   announce=render_template("discussion/_counts.html", **context).strip())


@bp.route("/sessions/<int:session_id>/answers")
def answers(session_id: int):
    """The answers to every question that is not an indicator (reflections, closure, fact sheet),
    each with the group's agreed answer and a note."""
    session = session_or_404(session_id)
    return render_template("discussion/answers.html", **_answers_context(session))


@bp.route("/sessions/<int:session_id>/answers/<question_id>", methods=["POST"])
def agreed_answer(session_id: int, question_id: str):
    """Record the group's agreed answer to one question; refused input is shown back with its message."""
    session = session_or_404(session_id)
    question = session.bank.question(question_id)
    if question is None or question.is_indicator:
        abort(404)
    form = agreed_answer_form(question, current_language(), request.form)
    if not form.validate():
        return render_template("discussion/answers.html", **_answers_context(session, form)), 422
    facilitation.save_agreed_answer(session, question_id, form.value.raw_data or [], form.note.data or "",
                                    current_user)
    flash(_("The agreed answer is saved."), "success")
    return redirect(url_for(".answers", session_id=session.id) + f"#answers-{question_id}")


def _answers_context(session, failed=None) -> dict:
    """The answers page: each question's answers, its agreed answer and the form to change it (the
    refused form `failed` as it was sent)."""
    lang = current_language()
    consensus = consensus_by_question(session)
    rows = []
    for question, responses in other_answers(session, unanswered=True, role_labels_in=_roles_only()):
        agreed = consensus.get(question.id)
        if failed is not None and failed.question_id == question.id:
            form = failed
        else:
            form = agreed_answer_form(question, lang, value=agreed.value if agreed else None,
                                      note=agreed.conclusion if agreed else "")
        rows.append((question, responses, agreed, form))
    return {"session": session, "lang": lang, "rows": rows, "display_value": display_value,
            "question_html": render_question_afresh, "read_only": read_only()}


@bp.route("/sessions/<int:session_id>/discussion")
def agenda(session_id: int):
    session = session_or_404(session_id)
    return render_template("discussion/agenda.html", **_agenda_context(session, _rules_form(session)))


@bp.route("/sessions/<int:session_id>/divergence-rules", methods=["POST"])
def save_divergence_rules(session_id: int):
    """The session's own thresholds for divergent scores, or back to the bank's."""
    session = session_or_404(session_id)
    form = _rules_form(session)
    if request.form.get("reset"):
        facilitation.set_divergence_rules(session, None, None, None)
        flash(_("The question bank's rules for divergent scores apply again."), "success")
        return redirect(url_for(".agenda", session_id=session.id))
    if not form.validate_on_submit():
        return render_template("discussion/agenda.html", **_agenda_context(session, form)), 422
    facilitation.set_divergence_rules(
        session, form.range.data,
        float(form.stdev.data) if form.stdev.data is not None else None,
        float(form.split.data) if form.split.data is not None else None)
    flash(_("The rules for divergent scores are saved for this session."), "success")
    return redirect(url_for(".agenda", session_id=session.id))


def _rules_form(session) -> DivergenceRulesForm:
    form = DivergenceRulesForm(prefix="rules")
    if request.method == "GET":
        rules = divergence_rules(session)
        form.range.data = None if rules.range is None else int(rules.range)
        form.stdev.data = rules.stdev
        form.split.data = rules.split
    return form


def _agenda_context(session, rules_form) -> dict:
    context = _dashboard_context(session)
    context["agenda"] = discussion_agenda(context["results"] + context["discussed"])
    context["rules_form"] = rules_form
    context["own_rules"] = bool(session.divergence_rules)
    return context


def _consensus_form(session, question, consensus, sent: bool | None = None) -> ConsensusForm:
    """The consensus form: as sent when this request posted it (`sent`, by default a POST), else
    filled from the saved consensus."""
    sent = request.method == "POST" if sent is None else sent
    form = ConsensusForm(prefix="consensus") if sent else ConsensusForm(prefix="consensus", formdata=None)
    form.grade.choices = [SelectChoice("", _("Not set"))] + [
        SelectChoice(str(level), f"{level} – {question.scale.labels[level].get(current_language())}")
        for level in question.scale.levels]
    if not sent and consensus is not None:
        form.grade.data = "" if consensus.grade is None else str(consensus.grade)
        form.conclusion.data = consensus.conclusion
        form.dissent.data = consensus.dissent
    return form


@bp.route("/sessions/<int:session_id>/indicators/<question_id>", methods=["GET", "POST"])
def indicator(session_id: int, question_id: str):
    session = session_or_404(session_id)
    question = session.bank.question(question_id)
    if question is None or not question.is_indicator:
        abort(404)
    consensus = facilitation.consensus_for(session, question_id)
    form = _consensus_form(session, question, consensus)
    if request.method == "POST":
        if form.validate_on_submit():
            grade = int(form.grade.data) if (form.grade.data or "").strip() else None
            facilitation.save_consensus(session, question_id, grade, form.conclusion.data,
                                    form.dissent.data, current_user)
            flash(_("The consensus is saved."), "success")
            return redirect(url_for(".indicator", session_id=session.id, question_id=question_id))
    return _indicator_page(session, question, form, consensus)


def _indicator_page(session, question, form, consensus, proposal_form=None, failed_edit=None):
    """The indicator's page; a refused proposal form (`proposal_form`, or `failed_edit` for an
    existing proposal) is shown as it was sent, with its messages, and the page answers 422."""
    context = _dashboard_context(session)
    result = next(r for r in context["results"] if r.question.id == question.id)
    agenda = [r.question.id for r in discussion_agenda(context["results"])]
    position = agenda.index(question.id)
    previous = facilitation.previous_session(session)
    own_proposals = facilitation.session_proposals(session, question.id)
    context.update(
        question=question, result=result, form=form, consensus=consensus,
        proposal_form=proposal_form or ProposalForm(prefix="proposal", formdata=None),
        proposals=[p for p in own_proposals if p.origin_year is None],
        carried=[p for p in own_proposals if p.origin_year is not None],
        previous=previous,
        previous_consensus=facilitation.consensus_for(previous, question.id) if previous else None,
        previous_proposals=facilitation.session_proposals(previous, question.id) if previous else [],
        edit_forms=_edit_forms(own_proposals, failed_edit),
        next_id=agenda[position + 1] if position + 1 < len(agenda) else None,
        prev_id=agenda[position - 1] if position > 0 else None,
    )
    refused = form.errors or proposal_form is not None or failed_edit is not None
    return render_template("discussion/indicator.html", **context), 422 if refused else 200


def _edit_forms(proposals, failed: tuple[int, ProposalForm] | None = None) -> dict[int, ProposalForm]:
    """Each proposal's form; `failed` (proposal id, form) is the one that was refused, as sent."""
    forms = {p.id: ProposalForm(prefix=f"p{p.id}", obj=p, formdata=None) for p in proposals}
    if failed is not None:
        forms[failed[0]] = failed[1]
    return forms


def _refused_proposal(session, question_id, new=None, edited=None):
    """A proposal form that was refused, shown again where it was sent from (the indicator's page
    or the list of proposals) with what was typed and the message next to the field (422)."""
    question = session.bank.question(question_id) if question_id else None
    if question is not None and question.is_indicator:
        consensus = facilitation.consensus_for(session, question_id)
        return _indicator_page(session, question, _consensus_form(session, question, consensus, sent=False),
                               consensus, proposal_form=new, failed_edit=edited)
    return _proposals_page(session, new or ProposalForm(prefix="proposal", formdata=None), edited), 422


def _proposals_page(session, form, failed_edit=None):
    proposals = facilitation.session_proposals(session)
    return render_template("discussion/proposals.html", session=session, bank=session.bank,
                           lang=current_language(), form=form, proposals=proposals,
                           edit_forms=_edit_forms(proposals, failed_edit))



def _back_to(session, question_id):
    if question_id:
        return redirect(url_for(".indicator", session_id=session.id, question_id=question_id) + "#proposals")
    return redirect(url_for(".proposals", session_id=session.id))


@bp.route("/sessions/<int:session_id>/proposals", methods=["GET", "POST"])
def proposals(session_id: int):
    """All of the session's proposals; POST adds one (to an indicator or the programme as a whole)."""
    session = session_or_404(session_id)
    form = ProposalForm(prefix="proposal")
    if request.method == "POST":
        question_id = request.form.get("question") or None
        if not form.validate_on_submit():
            return _refused_proposal(session, question_id, new=form)
        facilitation.add_proposal(session, question_id, form.text.data, form.owner.data or "",
                              form.deadline.data, form.priority.data, form.status.data)
        flash(_("The proposal is added."), "success")
        return _back_to(session, question_id)
    return _proposals_page(session, form)


def _proposal_or_404(session, proposal_id: int) -> Proposal:
    proposal = db.session.get(Proposal, proposal_id)
    if proposal is None or proposal.session_id != session.id:
        abort(404)
    return proposal


@bp.route("/sessions/<int:session_id>/proposals/<int:proposal_id>", methods=["POST"])
def update_proposal(session_id: int, proposal_id: int):
    session = session_or_404(session_id)
    proposal = _proposal_or_404(session, proposal_id)
    if request.form.get("delete") == "1":
        return redirect(url_for(".delete_proposal", session_id=session.id, proposal_id=proposal.id))
    if request.form.get("status_only") == "1":
        facilitation.set_proposal_status(proposal, request.form.get("status", ""))
        return redirect(url_for(".follow_up", session_id=session.id))
    form = ProposalForm(prefix=f"p{proposal.id}")
    if not form.validate_on_submit():
        return _refused_proposal(session, proposal.question_id, edited=(proposal.id, form))
    facilitation.update_proposal(proposal, form.text.data, form.owner.data or "", form.deadline.data,
                             form.priority.data, form.status.data)
    flash(_("The proposal is saved."), "success")
    return _back_to(session, proposal.question_id)


@bp.route("/sessions/<int:session_id>/proposals/<int:proposal_id>/delete", methods=["GET", "POST"])
def delete_proposal(session_id: int, proposal_id: int):
    """Delete a proposal from its confirmation page (the proposal's Delete button leads here)."""
    session = session_or_404(session_id)
    proposal = _proposal_or_404(session, proposal_id)
    if request.method == "POST" and request.form.get("confirmed") == "1":
        question_id, text = proposal.question_id, proposal.text
        facilitation.delete_proposal(proposal)
        flash(_("The proposal is deleted: %(text)s", text=_shorten(text)), "success")
        return _back_to(session, question_id)
    back = (url_for(".indicator", session_id=session.id, question_id=proposal.question_id) + "#proposals"
            if proposal.question_id else url_for(".proposals", session_id=session.id))
    return render_template("facilitate/confirm.html", session=session, heading=_("Delete the proposal?"),
                           explanation=_shorten(proposal.text, 300), button=_("Delete the proposal"),
                           action=url_for(".delete_proposal", session_id=session.id, proposal_id=proposal.id),
                           typed=None, hidden=(), back=back)


def _shorten(text: str, length: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= length else text[:length - 1].rstrip() + "…"


@bp.route("/sessions/<int:session_id>/follow-up", methods=["GET", "POST"])
def follow_up(session_id: int):
    """Last year's proposals carried into this session, with their status."""
    session = session_or_404(session_id)
    previous = facilitation.previous_session(session)
    if request.method == "POST":
        count = facilitation.carry_over_proposals(session)
        flash(_("%(num)d proposals carried over from last year.", num=count), "success")
        return redirect(url_for(".follow_up", session_id=session.id))
    return render_template("discussion/follow_up.html", session=session, bank=session.bank,
                           lang=current_language(), previous=previous,
                           carried=facilitation.carried_proposals(session),
                           to_carry=len(facilitation.proposals_to_carry(session)))
