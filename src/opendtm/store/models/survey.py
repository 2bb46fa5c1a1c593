"""Survey forms (any XLSForm) and their submissions.

A form is registered once per (form id, version), with its questions and choices. A
submission is keyed by the uuid the collecting tool gave it; its answers are one JSON
object (question name -> value; repeats as lists of such objects). Answers to personal
questions (phone numbers, free text, locations, as the form marks them) live apart in
``survey_personal``, which tabulation never reads.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base


class SurveyForm(Base):
    __tablename__ = "survey_form"
    __table_args__ = (UniqueConstraint("form_id", "version"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    form_id: Mapped[str] = mapped_column(String(100), index=True)
    version: Mapped[str] = mapped_column(String(60))
    title: Mapped[str] = mapped_column(String(255))
    definition: Mapped[dict[str, Any]] = mapped_column(JSON)  # FormSpec.to_dict()
    registered_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now())
    questions: Mapped[list[SurveyQuestion]] = relationship(
        back_populates="form", order_by="SurveyQuestion.position", cascade="all, delete-orphan")
    choices: Mapped[list[SurveyChoice]] = relationship(
        order_by="SurveyChoice.position", cascade="all, delete-orphan")


class SurveyQuestion(Base):
    __tablename__ = "survey_question"
    __table_args__ = (UniqueConstraint("form_pk", "name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    form_pk: Mapped[int] = mapped_column(ForeignKey("survey_form.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(120))
    type: Mapped[str] = mapped_column(String(40))
    list_name: Mapped[str | None] = mapped_column(String(120))
    group_path: Mapped[str] = mapped_column(String(500), default="")  # 'a/b', '' at top
    repeat: Mapped[str | None] = mapped_column(String(120))
    personal: Mapped[bool] = mapped_column(default=False)
    labels: Mapped[dict[str, str]] = mapped_column(JSON)
    form: Mapped[SurveyForm] = relationship(back_populates="questions")


class SurveyChoice(Base):
    __tablename__ = "survey_choice"
    __table_args__ = (UniqueConstraint("form_pk", "list_name", "name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    form_pk: Mapped[int] = mapped_column(ForeignKey("survey_form.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    list_name: Mapped[str] = mapped_column(String(120))
    name: Mapped[str] = mapped_column(String(120))
    labels: Mapped[dict[str, str]] = mapped_column(JSON)


class SurveySubmission(Base):
    __tablename__ = "survey_submission"
    id: Mapped[int] = mapped_column(primary_key=True)
    form_pk: Mapped[int] = mapped_column(ForeignKey("survey_form.id"), index=True)
    uuid: Mapped[str] = mapped_column(String(64), unique=True)
    submitted_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    source: Mapped[str] = mapped_column(String(255))  # the file it came from
    answers: Mapped[dict[str, Any]] = mapped_column(JSON)
    imported_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now())


class SurveyPersonal(Base):
    """Answers to the form's personal questions, one row per submission that has any."""

    __tablename__ = "survey_personal"
    submission_id: Mapped[int] = mapped_column(
        ForeignKey("survey_submission.id", ondelete="CASCADE"), primary_key=True)
    answers: Mapped[dict[str, Any]] = mapped_column(JSON)
