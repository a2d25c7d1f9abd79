"""Care of personal data: delete a participant or a session, anonymise a session's participants.
Each function changes and commits once; the models' cascades remove what belongs to what is deleted."""
from __future__ import annotations

from assessment.extensions import db
from assessment.models import Participant, ReviewSession, new_token


def delete_participant(participant: Participant) -> None:
    """Remove a participant and every answer they gave."""
    db.session.delete(participant)
    db.session.commit()


def anonymise_session(session: ReviewSession) -> None:
    """Replace the participants' names with numbers and end their personal links; scores stay."""
    for number, participant in enumerate(session.participants, start=1):
        participant.name = f"#{number}"
        participant.token = new_token()
        participant.email = None
        participant.invitations.clear()  # the addresses they were sent to are personal data too
    session.anonymous = True
    db.session.commit()


def delete_session(session: ReviewSession) -> None:
    """Delete a session with its participants, answers, consensus, history and proposals; next
    year's copies of its proposals stay, without the link."""
    db.session.delete(session)
    db.session.commit()
