"""Backups, restore and deleting personal data."""
from __future__ import annotations

from sqlalchemy import func, select

from assessment.extensions import db
from assessment.models import Answer, Participant, ReviewSession
from tests.helpers import answer_step, csrf_token, join, login, make_facilitator, page_text


def count(model) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count(model.id)))


def test_backup_and_restore_bring_back_what_was_saved(app, runner, client, mini, tmp_path):
    token = join(client, mini, "Før Backup")
    answer_step(client, token, 2, {"jobs": "5"}, action="save")
    target = tmp_path / "backup.db"
    result = runner.invoke(args=["backup", str(target)])
    assert result.exit_code == 0, result.output
    assert target.stat().st_size > 0

    join(client, mini, "Etter Backup")
    assert count(Participant) == 2
    db.session.commit()
    db.session.remove()
    result = runner.invoke(args=["restore", str(target), "--yes"])
    assert result.exit_code == 0, result.output
    assert count(Participant) == 1
    assert db.session.scalar(select(Answer.value).filter_by(question_id="jobs")) == 5
    assert client.get(f"/p/{token}/review").status_code == 200  # the app goes on


def test_restore_refuses_a_file_that_is_no_backup(runner, tmp_path, ctx):
    bogus = tmp_path / "not-a-backup.db"
    bogus.write_bytes(b"this is not a database at all" * 100)
    result = runner.invoke(args=["restore", str(bogus), "--yes"])
    assert result.exit_code != 0
    assert "not" in result.output


def test_deleting_a_participant_removes_their_answers(app, client, mini):
    make_facilitator(programmes=[mini.programme])
    person = app.test_client()
    token = join(person, mini, "Slett Meg")
    answer_step(person, token, 2, {"jobs": "3"}, action="save")
    login(client)
    page = client.get(f"/sessions/{mini.id}").get_data(as_text=True)
    participant = db.session.scalar(select(Participant).filter_by(name="Slett Meg"))
    response = client.post(f"/sessions/{mini.id}/participants/{participant.id}/delete",
                           data={"csrf_token": csrf_token(page), "confirmed": "1"})
    assert response.status_code == 302
    assert count(Participant) == 0 and count(Answer) == 0
    assert person.get(f"/p/{token}").status_code == 404


def test_anonymising_a_session_removes_names_and_ends_links(app, client, mini):
    make_facilitator(programmes=[mini.programme])
    person = app.test_client()
    token = join(person, mini, "Navn Navnesen")
    answer_step(person, token, 2, {"jobs": "3"}, action="save")
    login(client)
    page = client.get(f"/sessions/{mini.id}").get_data(as_text=True)
    assert client.post(f"/sessions/{mini.id}/anonymise",
                       data={"csrf_token": csrf_token(page), "confirmed": "1"}).status_code == 302
    assert "Navn Navnesen" not in page_text(client.get(f"/sessions/{mini.id}"))
    assert person.get(f"/p/{token}").status_code == 404
    assert count(Answer) == 1  # the scores stay


def test_deleting_a_session_needs_its_code_and_removes_everything(app, client, mini):
    make_facilitator(programmes=[mini.programme])
    join(app.test_client(), mini, "Borte")
    login(client)
    page = client.get(f"/sessions/{mini.id}").get_data(as_text=True)
    response = client.post(f"/sessions/{mini.id}/delete", data={"csrf_token": csrf_token(page), "confirm": "feil"})
    assert response.status_code == 422 and count(ReviewSession) == 1
    response = client.post(f"/sessions/{mini.id}/delete",
                           data={"csrf_token": csrf_token(page), "confirm": mini.join_code.lower()})
    assert response.status_code == 302
    assert count(ReviewSession) == 0 and count(Participant) == 0
