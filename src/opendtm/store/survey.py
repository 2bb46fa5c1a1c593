"""SQL for survey forms and submissions: register, look up, add, read answers back."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from sqlalchemy import Engine, func, insert, select
from sqlalchemy.orm import Session

from opendtm.domain.xlsform import FormSpec

from .models import SurveyChoice, SurveyForm, SurveyPersonal, SurveyQuestion, SurveySubmission


def find_form(session: Session, form_id: str, version: str | None = None) -> SurveyForm | None:
    """The form with this id (and version; else its latest registered version)."""
    query = select(SurveyForm).where(SurveyForm.form_id == form_id)
    if version is not None:
        query = query.where(SurveyForm.version == version)
    return session.scalars(query.order_by(SurveyForm.id.desc()).limit(1)).first()


def list_forms(session: Session) -> list[dict[str, Any]]:
    counts = dict(session.execute(
        select(SurveySubmission.form_pk, func.count()).group_by(SurveySubmission.form_pk)).all())
    return [{"form_id": f.form_id, "version": f.version, "title": f.title,
             "questions": len(f.definition["questions"]), "submissions": counts.get(f.id, 0)}
            for f in session.scalars(select(SurveyForm).order_by(SurveyForm.form_id,
                                                                 SurveyForm.id))]


def add_form(session: Session, spec: FormSpec) -> SurveyForm:
    form = SurveyForm(form_id=spec.form_id, version=spec.version, title=spec.title[:255],
                      definition=spec.to_dict())
    form.questions = [
        SurveyQuestion(position=i, name=q.name, type=q.type, list_name=q.list_name,
                       group_path="/".join(q.path), repeat=q.repeat, personal=q.personal,
                       labels=q.labels)
        for i, q in enumerate(spec.questions)]
    position = 0
    for list_name, choices in spec.choices.items():
        for c in choices:
            form.choices.append(SurveyChoice(position=position, list_name=list_name,
                                             name=c.name, labels=c.labels))
            position += 1
    session.add(form)
    session.flush()
    return form


def existing_uuids(session: Session, uuids: list[str]) -> dict[str, int]:
    """uuid -> form pk, for those of ``uuids`` already stored."""
    found: dict[str, int] = {}
    for start in range(0, len(uuids), 500):
        chunk = uuids[start:start + 500]
        rows = session.execute(select(SurveySubmission.uuid, SurveySubmission.form_pk)
                               .where(SurveySubmission.uuid.in_(chunk))).all()
        found.update({uuid: form_pk for uuid, form_pk in rows})
    return found


def add_submissions(session: Session, form_pk: int, source: str,
                    rows: Iterable[dict[str, Any]], batch: int = 2000) -> int:
    """Insert submissions (uuid, submitted_at, answers, personal); the number added."""
    added = 0
    pending: list[dict[str, Any]] = []

    def flush() -> None:
        personal = {r["uuid"]: r["personal"] for r in pending if r["personal"]}
        ids = session.execute(
            insert(SurveySubmission).returning(SurveySubmission.id, SurveySubmission.uuid),
            [{"form_pk": form_pk, "uuid": r["uuid"], "submitted_at": r["submitted_at"],
              "source": source[:255], "answers": r["answers"]} for r in pending],
        ).all()
        if personal:
            session.execute(insert(SurveyPersonal), [
                {"submission_id": i, "answers": personal[u]} for i, u in ids if u in personal])
        pending.clear()

    for row in rows:
        pending.append(row)
        added += 1
        if len(pending) >= batch:
            flush()
    if pending:
        flush()
    return added


def answers_of(engine: Engine, form_id: str, batch: int = 5000) -> Iterator[dict[str, Any]]:
    """The answers (never the personal ones) of every submission of every version of a form."""
    query = (select(SurveySubmission.answers).join(SurveyForm)
             .where(SurveyForm.form_id == form_id).order_by(SurveySubmission.id))
    with engine.connect() as conn:
        result = conn.execution_options(yield_per=batch).execute(query)
        for (answers,) in result:
            yield answers
