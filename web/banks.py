"""Question banks in the interface: the list, upload with its preview and confirmation, the
versions of a bank with a diff between two, and every bank as a workbook to download."""
from __future__ import annotations

import io
import re

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from markupsafe import Markup
from werkzeug.datastructures import MultiDict

from assessment import bank_library
from assessment.bank_diff import diff_banks
from assessment.bank_workbook import bank_to_workbook
from assessment.banks import load_banks
from assessment.errors import NotFound, UserError
from forms.base import error_text
from forms.facilitate import BankShareForm
from forms.step import COMMENT_SUFFIX, make_step_form
from web.access import require_change_rights, session_or_404
from web.locale import LANGUAGES, current_language
from web.template_gettext import templates_in

bp = Blueprint("banks", __name__)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PREVIEW_CONTROLS = {"csrf_token", "action", "step", "lang", "switch_lang"}


@bp.before_request
@login_required
def require_login():
    """Every page here is for logged-in users; viewers read, never upload."""


def _by_bank_id() -> dict[str, dict]:
    """The banks the user may see, by id: the shipped bank (if any) and the uploaded versions."""
    banks: dict[str, dict] = {}
    for bank in load_banks()[0].values():
        banks[bank.id] = {"shipped": bank, "uploaded": []}
    for row in bank_library.visible_versions(current_user):
        banks.setdefault(row.bank_id, {"shipped": None, "uploaded": []})["uploaded"].append(row)
    return dict(sorted(banks.items()))


def _index(problems=(), filename: str = "", status: int = 200, error: str = ""):
    return render_template("banks/index.html", banks=_by_bank_id(), problems=problems, filename=filename,
                           error=error,
                           max_mb=bank_library.MAX_BANK_FILE // (1024 * 1024), lang=current_language(),
                           can_upload=not current_user.is_viewer), status


@bp.route("/banks")
def index():
    return _index()


@bp.route("/banks/upload", methods=["POST"])
def upload():
    """Read and validate an uploaded bank file: every problem listed at once (422), or, valid,
    kept for its preview."""
    require_change_rights()
    file = request.files.get("bank")
    if file is None or not file.filename:
        raise UserError(_("Choose a bank file to upload: a workbook (.xlsx) or YAML (.yaml)."))
    content = file.read(bank_library.MAX_BANK_FILE + 1)
    bank, problems = bank_library.read_bank_file(content, file.filename)
    if problems:
        return _index(problems, file.filename, 422)
    try:
        kept = bank_library.keep_upload(current_user, file.filename, bank)
    except bank_library.VersionTaken as taken:
        return _index(filename=file.filename, status=taken.status_code, error=taken.message)
    return redirect(url_for(".upload_preview", upload_id=kept.id))


def _upload_or_404(upload_id: int):
    upload = bank_library.upload_of(current_user, upload_id)
    if upload is None:
        raise NotFound(_("This upload is already saved or cancelled. Upload the file again to see it."))
    return upload


@bp.route("/banks/uploads/<int:upload_id>", methods=["GET", "POST"])
def upload_preview(upload_id: int):
    """The upload as participants will see it, step by step, with the form to save it."""
    require_change_rights()
    upload = _upload_or_404(upload_id)
    bank = upload.bank
    newest = _newest_visible(bank.id)
    changes = diff_banks(newest.bank.snapshot, bank.snapshot) if newest else None
    preview, status = _preview(bank, url_for(".upload_preview", upload_id=upload.id))
    return render_template("banks/upload.html", upload=upload, bank=bank, preview=preview, newest=newest,
                           changes=changes, form=BankShareForm(), lang=current_language()), status


def _newest_visible(bank_id: str):
    entries = bank_library.versions_of(current_user, bank_id)
    return entries[-1] if entries else None


@bp.route("/banks/uploads/<int:upload_id>/confirm", methods=["POST"])
def confirm(upload_id: int):
    require_change_rights()
    upload = _upload_or_404(upload_id)
    form = BankShareForm()
    if not form.validate_on_submit():
        raise UserError(error_text(form))
    colleagues = bank_library.find_colleagues(form.colleagues.data or "", current_user)
    version = bank_library.confirm_upload(upload, current_user, colleagues)
    flash(_("Version %(version)s of %(title)s is saved. You can now choose it for a new session.",
            version=version.version, title=version.bank.title.get(current_language())), "success")
    return redirect(url_for(".versions", bank_id=version.bank_id))


@bp.route("/banks/uploads/<int:upload_id>/cancel", methods=["POST"])
def cancel(upload_id: int):
    require_change_rights()
    bank_library.discard_upload(_upload_or_404(upload_id))
    flash(_("The upload is cancelled; nothing was saved."), "success")
    return redirect(url_for(".index"))


def _entries_or_404(bank_id: str):
    entries = bank_library.versions_of(current_user, bank_id)
    if not entries:
        abort(404)
    return entries


def _entry_or_404(bank_id: str, key: str):
    entry = next((e for e in _entries_or_404(bank_id) if e.key == key), None)
    if entry is None:
        abort(404)
    return entry


@bp.route("/banks/<bank_id>")
def versions(bank_id: str):
    """The versions of a bank, and what changed between the two chosen (the newest two by default)."""
    entries = _entries_or_404(bank_id)
    keys = [e.key for e in entries]
    old_key = request.args.get("old") or (keys[-2] if len(keys) > 1 else keys[0])
    new_key = request.args.get("new") or keys[-1]
    by_key = {e.key: e for e in entries}
    if old_key not in by_key or new_key not in by_key:
        abort(404)
    old, new = by_key[old_key], by_key[new_key]
    changes = diff_banks(old.bank.snapshot, new.bank.snapshot) if len(entries) > 1 else None
    return render_template("banks/versions.html", bank_id=bank_id, entries=entries, old=old, new=new,
                           changes=changes, share_form=BankShareForm(), lang=current_language())


@bp.route("/banks/<bank_id>/versions/<key>/preview", methods=["GET", "POST"])
def version_preview(bank_id: str, key: str):
    entry = _entry_or_404(bank_id, key)
    preview, status = _preview(entry.bank, url_for(".version_preview", bank_id=bank_id, key=key))
    return render_template("banks/preview.html", entry=entry, bank=entry.bank, preview=preview,
                           lang=current_language()), status


@bp.route("/banks/<bank_id>/versions/<key>/share", methods=["POST"])
def share(bank_id: str, key: str):
    require_change_rights()
    entry = _entry_or_404(bank_id, key)
    if entry.row is None or entry.row.owner_id != current_user.id:
        abort(403)
    form = BankShareForm()
    if not form.validate_on_submit():
        raise UserError(error_text(form))
    colleagues = bank_library.find_colleagues(form.colleagues.data or "", current_user)
    bank_library.share_version(entry.row, colleagues)
    flash(_("Shared with %(names)s.", names=", ".join(c.email for c in colleagues) or "–"), "success")
    return redirect(url_for(".versions", bank_id=bank_id))


def _own_version_or_403(bank_id: str, key: str):
    """The uploaded version, if the user owns it: 404 if they may not see it, 403 for a viewer, a
    shipped bank or a colleague's version."""
    require_change_rights()
    entry = _entry_or_404(bank_id, key)
    if entry.row is None or entry.row.owner_id != current_user.id:
        abort(403)
    return entry


def _confirm_page(entry, heading, explanation, button, action, note=None):
    return render_template("facilitate/confirm.html", heading=heading, explanation=explanation,
                           button=button, action=action, note=note, hidden=(), typed=None,
                           context_title=entry.bank.title.get(current_language()),
                           context_url=url_for(".versions", bank_id=entry.bank.id),
                           back=url_for(".versions", bank_id=entry.bank.id))


def _confirmed() -> bool:
    return request.method == "POST" and request.form.get("confirmed") == "1"


@bp.route("/banks/<bank_id>/versions/<key>/shares/<int:facilitator_id>/revoke", methods=["GET", "POST"])
def revoke_share(bank_id: str, key: str, facilitator_id: int):
    """Stop sharing a version with one colleague (asked first, then a POST)."""
    entry = _own_version_or_403(bank_id, key)
    colleague = next((c for c in entry.row.shared_with if c.id == facilitator_id), None)
    if colleague is None:
        abort(404)
    name = colleague.name or colleague.email
    if not _confirmed():
        return _confirm_page(
            entry, _("Stop sharing version %(version)s with %(name)s?", version=entry.bank.version, name=name),
            _("%(name)s will no longer see version %(version)s or be able to choose it for a new session. "
              "Sessions already created from it keep their copy of the bank.",
              name=name, version=entry.bank.version),
            _("Stop sharing with %(name)s", name=name),
            url_for(".revoke_share", bank_id=bank_id, key=key, facilitator_id=facilitator_id),
            note=_("You can share it with them again later."))
    bank_library.revoke_share(entry.row, colleague)
    flash(_("Version %(version)s is no longer shared with %(name)s.", version=entry.bank.version, name=name),
          "success")
    return redirect(url_for(".versions", bank_id=bank_id))


@bp.route("/banks/<bank_id>/versions/<key>/delete", methods=["GET", "POST"])
def delete_version(bank_id: str, key: str):
    """Delete an uploaded version (asked first, then a POST); sessions made from it keep their copy."""
    entry = _own_version_or_403(bank_id, key)
    version = entry.bank.version
    if not _confirmed():
        return _confirm_page(
            entry, _("Delete version %(version)s?", version=version),
            _("Version %(version)s of %(title)s will no longer be offered for new sessions, and the "
              "colleagues it is shared with will no longer see it. Sessions already created from it keep "
              "their copy of the bank: their participants can go on answering and their exports stay.",
              version=version, title=entry.bank.title.get(current_language())),
            _("Delete version %(version)s", version=version),
            url_for(".delete_version", bank_id=bank_id, key=key))
    bank_library.delete_version(entry.row)
    flash(_("Version %(version)s is deleted.", version=version), "success")
    remaining = bank_library.versions_of(current_user, bank_id)
    return redirect(url_for(".versions", bank_id=bank_id) if remaining else url_for(".index"))


@bp.route("/banks/<bank_id>/versions/<key>/bank.xlsx")
def download(bank_id: str, key: str):
    """A bank version as its workbook, ready to be edited and uploaded again."""
    return _workbook(_entry_or_404(bank_id, key).bank)


@bp.route("/sessions/<int:session_id>/bank.xlsx")
def session_bank(session_id: int):
    """The very bank a session runs with (its snapshot), as a workbook."""
    return _workbook(session_or_404(session_id).bank)


def _workbook(bank):
    stem = re.sub(r"[^\w.-]+", "-", f"{bank.id}-{bank.version}").strip("-") or "bank"
    return send_file(io.BytesIO(bank_to_workbook(bank.snapshot)), mimetype=XLSX, as_attachment=True,
                     download_name=f"{stem}.xlsx")


# ---------------------------------------------------------------- the participant's form, previewed

def _preview(bank, action: str) -> tuple[Markup, int]:
    """One step of `bank` as a participant sees it, in the chosen language, with the answers given
    on the other steps carried in the page (never stored), so conditions work across steps."""
    posted = request.form if request.method == "POST" else MultiDict()
    lang = posted.get("switch_lang") or posted.get("lang") or request.args.get("lang") or current_language()
    lang = lang if lang in LANGUAGES else current_language()
    count = len(bank.sections)
    number = _number(posted.get("step") or request.args.get("step"), count)
    known: dict = {}
    forms = []
    for section in bank.sections:  # each step's answers, in order: a condition looks back
        form = make_step_form(section, dict(known), lang, formdata=posted)
        forms.append(form)
        known.update({qid: value for qid, (value, _c) in form.values().items()})
    form = make_step_form(bank.sections[number - 1], known, lang, formdata=posted)
    status = 200
    action_name = posted.get("action", "")
    if action_name == "next" and not form.validate():
        status = 422
    elif action_name:
        number = _target(action_name, number, count)
        form = make_step_form(bank.sections[number - 1], known, lang, formdata=posted)
    on_step = {q.id for q in bank.sections[number - 1].questions}
    on_step |= {qid + COMMENT_SUFFIX for qid in on_step}
    carried = [(k, v) for k, values in posted.lists() if k not in on_step and k not in PREVIEW_CONTROLS
               for v in values]
    with templates_in(lang):
        html = render_template("banks/_preview_step.html", bank=bank, form=form, number=number, count=count,
                               section=bank.sections[number - 1], lang=lang, action=action,
                               carried=carried, languages=LANGUAGES)
    return Markup(html), status


def _number(value, count: int) -> int:
    return min(max(int(value), 1), count) if value and str(value).isdigit() and len(str(value)) < 4 else 1


def _target(action: str, number: int, count: int) -> int:
    if action == "next":
        return min(number + 1, count)
    if action == "back":
        return max(number - 1, 1)
    if action.startswith("goto-"):
        return _number(action[5:], count)
    return number
