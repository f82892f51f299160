"""Schemas every API router shares: the error body and the paging parameters."""

from __future__ import annotations

from django.conf import settings
from ninja import Field, Schema


class FieldErrorOut(Schema):
    field: str
    code: str
    message: str
    row: int | None = None


class ErrorBody(Schema):
    code: str
    message: str
    fields: list[FieldErrorOut] = []


class ErrorOut(Schema):
    """`{"error": {...}}`, the body of every 4xx answer (see motcua.api.urls)."""

    error: ErrorBody


class PageParams(Schema):
    limit: int = Field(settings.MOTCUA["API_PAGE_SIZE"], ge=1, le=settings.MOTCUA["API_MAX_PAGE_SIZE"])
    offset: int = Field(0, ge=0)
