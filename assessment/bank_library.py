"""Question banks beside the shipped files: uploaded versions, who may see them, and the choice
of bank for a new session.

A bank file uploaded in the interface (a workbook or YAML) is read and validated by the same
validator as a shipped file. A valid one waits as a BankUpload until its owner confirms it; it
then becomes a BankVersion: a new version of its bank id, owned by the uploader and shared with
chosen colleagues. The shipped banks (question_banks/) are never changed by an upload: an upload
may reuse a shipped bank's id (a county adapting the official form), but never a version that
exists already, shipped or uploaded.
"""
from __future__ import annotations

import io
import json
import re
import zipfile
from dataclasses import dataclass
from datetime import timedelta

import yaml
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, or_, select
from sqlalchemy.exc import IntegrityError

from assessment.bank_validator import BankError, Problem
from assessment.bank_workbook import workbook_problems
from assessment.banks import Bank, build_bank, load_banks, parse_bank
from assessment.errors import UserError
from assessment.extensions import db
from assessment.facilitators import find_facilitator
from assessment.i18n import N_
from assessment.models import BankUpload, BankVersion, Facilitator, bank_version_share, utcnow

MAX_BANK_FILE = 2 * 1024 * 1024        # bytes of an uploaded bank file
MAX_UNPACKED = 20 * 1024 * 1024        # bytes inside a workbook (a zip bomb stops here)
UPLOAD_LIFETIME = timedelta(days=1)
SHIPPED = "shipped"                    # the version key of a bank's shipped file
UPLOADED_PREFIX = "uploaded:"          # a session form's choice of an uploaded version (no bank id has ':')


class FileRefused(UserError):
    """A file that is no bank file at all: the wrong type, damaged, or too large."""


class FileTooLarge(FileRefused):
    status_code = 413


# ---------------------------------------------------------------- reading an uploaded file

def read_bank_file(content: bytes, filename: str) -> tuple[Bank | None, list[Problem]]:
    """The bank in an uploaded workbook (.xlsx) or YAML file, or every problem in it, each with
    its sheet!cell or line. A file that is no bank file at all raises FileRefused."""
    if len(content) > MAX_BANK_FILE:
        raise FileTooLarge(_l("The file is too large (at most 2 MB)."))
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if suffix == "xlsx":
        return _read_workbook(content, filename)
    if suffix in ("yaml", "yml"):
        return _read_yaml(content, filename)
    raise FileRefused(_l("Upload a bank workbook (.xlsx) or a bank file in YAML (.yaml)."))


def _read_workbook(content: bytes, filename: str) -> tuple[Bank | None, list[Problem]]:
    not_a_workbook = FileRefused(_l("That is not an Excel workbook (.xlsx)."))
    if not zipfile.is_zipfile(io.BytesIO(content)):
        raise not_a_workbook
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        names = archive.namelist()
        if "[Content_Types].xml" not in names or not any(n.startswith("xl/") for n in names):
            raise not_a_workbook
        if sum(info.file_size for info in archive.infolist()) > MAX_UNPACKED:
            raise FileTooLarge(_l("The workbook unpacks to more than 20 MB and is refused."))
    try:
        data, problems = workbook_problems(content, filename)
    except Exception as error:  # openpyxl raises many kinds for a damaged file
        raise FileRefused(_l("The workbook could not be read: it may be damaged.")) from error
    if problems:
        return None, problems
    return build_bank(json.loads(json.dumps(data, default=str))), []


def _read_yaml(content: bytes, filename: str) -> tuple[Bank | None, list[Problem]]:
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError as error:
        raise FileRefused(_l("The file is not text in UTF-8: save it as UTF-8, or upload the "
                             "bank as a workbook (.xlsx).")) from error
    try:
        # Anchors and aliases could make a small file expand beyond any memory: a bank needs none.
        if any(isinstance(event, yaml.AliasEvent) for event in yaml.parse(text, Loader=yaml.SafeLoader)):
            return None, [Problem.of(filename, "(file)", N_("uses YAML aliases (*name); write the values out"))]
    except yaml.YAMLError:
        pass  # parse_bank reports the syntax error with its line
    try:
        return parse_bank(text, filename), []
    except BankError as error:
        return None, error.problems


# ---------------------------------------------------------------- upload, confirm, share

class VersionTaken(UserError):
    status_code = 409


def check_new_version(bank: Bank) -> None:
    """Refuse a bank whose id and version are taken, by a shipped file or an uploaded version;
    one identical to it (the same fingerprint) is said to be so."""
    shipped = load_banks()[0].get(bank.id)
    taken = shipped.hash if shipped is not None and shipped.version == bank.version else db.session.scalar(
        select(BankVersion.hash).filter_by(bank_id=bank.id, version=bank.version))
    if taken is None:
        return
    if taken == bank.hash:
        raise VersionTaken(_l("The file is identical to version %(version)s of the bank %(id)s "
                              "(fingerprint %(hash)s): there is nothing new to save.",
                              version=bank.version, id=bank.id, hash=bank.hash[:12]))
    if shipped is not None and shipped.version == bank.version:
        raise VersionTaken(_l("Version %(version)s of the bank %(id)s is the shipped one and cannot be "
                              "replaced. Give your version another name in the version column of "
                              "the settings sheet (or the file's version).", version=bank.version, id=bank.id))
    raise VersionTaken(_l("Version %(version)s of the bank %(id)s exists already. Give this one another "
                          "name in the version column of the settings sheet (or the file's version).",
                          version=bank.version, id=bank.id))


def keep_upload(owner: Facilitator, filename: str, bank: Bank) -> BankUpload:
    """Keep a valid upload until it is confirmed or cancelled; uploads left for a day go."""
    check_new_version(bank)
    db.session.execute(delete(BankUpload).where(BankUpload.created_at < utcnow() - UPLOAD_LIFETIME))
    upload = BankUpload(owner_id=owner.id, filename=(filename or "")[:255], snapshot=bank.snapshot,
                        hash=bank.hash)
    db.session.add(upload)
    db.session.commit()
    return upload


def upload_of(owner: Facilitator, upload_id: int) -> BankUpload | None:
    upload = db.session.get(BankUpload, upload_id)
    return upload if upload is not None and upload.owner_id == owner.id else None


def discard_upload(upload: BankUpload) -> None:
    db.session.delete(upload)
    db.session.commit()


def confirm_upload(upload: BankUpload, owner: Facilitator,
                   colleagues: list[Facilitator] = ()) -> BankVersion:
    """Save a kept upload as a new version of its bank, shared with `colleagues`."""
    bank = upload.bank
    check_new_version(bank)
    version = BankVersion(bank_id=bank.id, version=bank.version, kind=bank.kind,
                          title={"nb": bank.title.nb, "en": bank.title.en}, snapshot=upload.snapshot,
                          hash=upload.hash, filename=upload.filename, owner_id=owner.id,
                          shared_with=[c for c in colleagues if c.id != owner.id])
    db.session.add(version)
    db.session.delete(upload)
    try:
        db.session.commit()
    except IntegrityError as error:  # the same version saved meanwhile (a second click)
        db.session.rollback()
        raise VersionTaken(_l("Version %(version)s of the bank %(id)s exists already.",
                              version=bank.version, id=bank.id)) from error
    return version


def find_colleagues(text: str, owner: Facilitator) -> list[Facilitator]:
    """The facilitators named in `text` (e-mail addresses or names, separated by commas, semicolons
    or lines); a UserError names those that match no facilitator account."""
    wanted = [part.strip() for part in re.split(r"[,;\n]+", text or "") if part.strip()]
    if len(wanted) > 50:
        raise UserError(_l("Share with at most 50 colleagues at a time."))
    found: list[Facilitator] = []
    unknown: list[str] = []
    for item in wanted:
        account = find_facilitator(item) if "@" in item else _by_name(item)
        if account is None or account.is_viewer:
            unknown.append(item)
        elif account.id != owner.id and account not in found:
            found.append(account)
    if unknown:
        raise UserError(_l("No facilitator has an account with this e-mail address or name: "
                           "%(names)s. Nothing was shared.", names=", ".join(unknown)))
    return found


def _by_name(name: str) -> Facilitator | None:
    """The one facilitator with this name (case aside); None when none or several have it."""
    matches = list(db.session.scalars(select(Facilitator).where(
        db.func.lower(Facilitator.name) == name.lower()).limit(2)))
    return matches[0] if len(matches) == 1 else None


def share_version(version: BankVersion, colleagues: list[Facilitator]) -> None:
    for colleague in colleagues:
        if colleague.id != version.owner_id and colleague not in version.shared_with:
            version.shared_with.append(colleague)
    db.session.commit()


def revoke_share(version: BankVersion, colleague: Facilitator) -> None:
    """The colleague no longer sees the version nor offers it for new sessions; sessions made from
    it keep their own copy of the bank."""
    if colleague in version.shared_with:
        version.shared_with.remove(colleague)
    db.session.commit()


def delete_version(version: BankVersion) -> None:
    """Delete an uploaded version (and its shares). Sessions made from it run on, on their own copy
    of the bank (their snapshot); the shipped files are never rows here."""
    db.session.delete(version)
    db.session.commit()


# ---------------------------------------------------------------- what a facilitator may see

def _visible(facilitator: Facilitator):
    shared = select(bank_version_share.c.bank_version_id).where(
        bank_version_share.c.facilitator_id == facilitator.id)
    return select(BankVersion).where(or_(BankVersion.owner_id == facilitator.id, BankVersion.id.in_(shared)))


def visible_versions(facilitator: Facilitator, bank_id: str | None = None) -> list[BankVersion]:
    """The uploaded versions the facilitator owns or was shared, oldest first."""
    query = _visible(facilitator)
    if bank_id is not None:
        query = query.where(BankVersion.bank_id == bank_id)
    return list(db.session.scalars(query.order_by(BankVersion.bank_id, BankVersion.created_at, BankVersion.id)))


def visible_version(facilitator: Facilitator, version_id: int) -> BankVersion | None:
    return db.session.scalar(_visible(facilitator).where(BankVersion.id == version_id))


@dataclass
class VersionEntry:
    """One version of a bank as the versions page lists it: shipped (row None) or uploaded."""

    key: str            # SHIPPED, or the uploaded version's id as text
    bank: Bank
    row: BankVersion | None = None


def versions_of(facilitator: Facilitator, bank_id: str) -> list[VersionEntry]:
    """A bank id's versions the facilitator may see: the shipped one first, then the uploaded."""
    entries = []
    shipped = load_banks()[0].get(bank_id)
    if shipped is not None:
        entries.append(VersionEntry(SHIPPED, shipped))
    entries += [VersionEntry(str(row.id), row.bank, row) for row in visible_versions(facilitator, bank_id)]
    return entries


def bank_choices(facilitator: Facilitator) -> list[tuple[str, Bank]]:
    """The banks a new session can run with, by the key a session form posts: every shipped bank
    (by its id), then the uploaded versions the facilitator owns or was shared."""
    choices = [(bank.id, bank) for bank in load_banks()[0].values()]
    choices += [(UPLOADED_PREFIX + str(row.id), row.bank) for row in visible_versions(facilitator)]
    return choices


def bank_by_key(facilitator: Facilitator, key: str) -> Bank | None:
    """The bank a session form's choice names, if the facilitator may use it."""
    if key.startswith(UPLOADED_PREFIX):
        number = key[len(UPLOADED_PREFIX):]
        row = visible_version(facilitator, int(number)) if number.isdigit() and len(number) < 10 else None
        return row.bank if row is not None else None
    return load_banks()[0].get(key)
