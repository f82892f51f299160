"""`GET /api/v1/me`: who the caller is, so machine clients can check their token and scopes."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema

from motcua.api.auth import token_or_session

router = Router()


class RoleOut(Schema):
    role: str
    agency: str
    department: str | None = None


class MeOut(Schema):
    username: str
    auth: str
    scopes: list[str]
    roles: list[RoleOut]


@router.get("", response=MeOut, auth=token_or_session, operation_id="me", url_name="me")
def me(request: HttpRequest) -> MeOut:
    from motcua.organizations.models import RoleAssignment

    user = request.user
    token = getattr(request, "api_token", None)
    roles = [
        RoleOut(role=r.role, agency=r.agency.code, department=r.department.code if r.department else None)
        for r in RoleAssignment.objects.filter(official__user=user).select_related("agency", "department")
    ]
    return MeOut(
        username=user.get_username(),
        auth="token" if token else "session",
        scopes=list(token.scopes) if token else [],
        roles=roles,
    )
