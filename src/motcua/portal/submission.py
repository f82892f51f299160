"""Online filing from the portal (OS-INTAKE-03, PTL-SUB-03/04): drafts, review, submit.

The portal checks the e-form (its own data) and the files (dossiers.files checks); everything about
the dossier itself is decided by `dossiers.services.receive_dossier`, called with the draft's
idempotency key so a repeated submit returns the dossier the first one created.
"""

from __future__ import annotations

import hashlib
import json
import logging
import uuid
from dataclasses import dataclass
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from motcua.catalog.models import Channel, ProcedureVersion
from motcua.catalog.versioning import version_in_force
from motcua.core.errors import FieldError, ValidationFailed
from motcua.dossiers import services as dossier_services
from motcua.dossiers.applicants import Applicant, applicant_errors
from motcua.dossiers.files import MAX_FILES, Upload, check_upload
from motcua.dossiers.intake import is_always_required
from motcua.dossiers.models import Dossier
from motcua.portal import eform_record, eforms
from motcua.portal.models import Draft, DraftFile, Profile, Submission

log = logging.getLogger("motcua.portal")
APPLICANT_FIELDS = ("name", "id_number", "phone", "email", "address")


def document_key(document: Any) -> str:
    """How the intake matches a file to a required document (its code, else its name)."""
    return str(document.code or document.name).strip()


@dataclass
class DraftView:
    draft: Draft
    version: ProcedureVersion
    form: eforms.FormDefinition

    def attachments(self) -> list[tuple[str, Any, bool]]:
        """(field, document, required) for each document the applicant attaches a file for.

        Fields are numbered over all the version's documents (stable across pages). The document
        the e-form stands for is left out: its PDF is made from the answers (at review). Documents
        of special cases are optional: the intake does not demand them either."""
        documents = list(self.version.documents.all())
        by_form = eform_record.form_document(self.version, self.form)
        return [
            (f"doc_{index}", doc, is_always_required(doc))
            for index, doc in enumerate(documents)
            if by_form is None or doc.pk != by_form.pk
        ]


def online_version(procedure_code: str) -> ProcedureVersion:
    version = version_in_force(procedure_code)
    if version.channels and Channel.ONLINE not in version.channels:
        raise ValidationFailed(_("Thủ tục này chưa tiếp nhận hồ sơ trực tuyến."))
    return version


def prefill(user: Any) -> dict[str, str]:
    """The applicant block prefilled from the profile (PTL-SUB-03)."""
    profile = Profile.objects.filter(user=user).first()
    return {
        "name": profile.full_name if profile else "",
        "id_number": profile.id_number if profile else "",
        "phone": profile.phone if profile else "",
        "email": user.email or "",
        "address": profile.address if profile else "",
    }


def new_draft(user: Any, procedure_code: str) -> Draft:
    version = online_version(procedure_code)
    agencies = list(version.agencies.all()[:1])
    return Draft.objects.create(
        user=user,
        procedure_code=version.procedure.procedure_code,
        agency_code=agencies[0].code if agencies else "",
        data={"applicant": prefill(user), "form": {}},
        idempotency_key=f"portal-{uuid.uuid4().hex}",
    )


def open_draft(user: Any, pk: int) -> DraftView:
    draft = Draft.objects.filter(user=user, pk=pk).first()
    if draft is None:
        from motcua.core.errors import NotFound

        raise NotFound("unknown_draft", _("Không tìm thấy bản nháp."))
    version = online_version(draft.procedure_code)
    return DraftView(draft, version, eforms.definition_for(draft.procedure_code))


def save(view: DraftView, post: Any, files: dict[str, Any]) -> list[FieldError]:
    """Keep what was typed and the files that pass the checks; return the refused files' errors.

    A draft may be incomplete: the form itself is checked at review time."""
    draft, errors = view.draft, []
    draft.data = {
        "applicant": {name: str(post.get(f"applicant_{name}", "")).strip() for name in APPLICANT_FIELDS},
        "form": eforms.coerce(view.form, {k[5:]: v for k, v in post.items() if k.startswith("form_")}),
    }
    agency_code = str(post.get("agency", "")).strip()
    if agency_code:
        draft.agency_code = agency_code
    documents = {field: doc for field, doc, _required in view.attachments()}
    with transaction.atomic():
        draft.save()
        for field, uploaded in files.items():
            document = documents.get(field)
            if document is None:
                continue
            if draft.files.count() >= MAX_FILES:
                errors.append(
                    FieldError(field, "too_many_files", _("Một hồ sơ có tối đa %(n)s tệp.") % {"n": MAX_FILES})
                )
                continue
            content = uploaded.read(25 * 1024 * 1024 + 1)
            checked, problems = check_upload(Upload(filename=uploaded.name, content=content), 0)
            if checked is None:
                errors.extend(FieldError(field, p.code, p.message) for p in problems)
                continue
            key = document_key(document)
            for old in draft.files.filter(document_key=key):
                old.file.delete(save=False)
                old.delete()
            row = DraftFile(draft=draft, document_key=key, filename=uploaded.name[:255], size=checked.size)
            row.file.save(
                f"{uuid.uuid4().hex}.{uploaded.name.rsplit('.', 1)[-1].lower()}", ContentFile(content), save=False
            )
            row.save()
    return errors


def applicant_of(draft: Draft) -> Applicant:
    values = draft.data.get("applicant", {})
    return Applicant(type="citizen", **{name: str(values.get(name, "")) for name in APPLICANT_FIELDS})


def review_errors(view: DraftView) -> list[FieldError]:
    """Everything that would stop the submission, in one list (form, applicant, missing files)."""
    errors = eforms.validate(view.form, view.draft.data.get("form", {}))
    errors += applicant_errors(applicant_of(view.draft))
    present = set(view.draft.files.values_list("document_key", flat=True))
    for field, document, required in view.attachments():
        if required and document_key(document) not in present:
            errors.append(
                FieldError(field, "missing_component", _("Chưa đính kèm: %(name)s.") % {"name": document.name})
            )
    if not view.draft.agency_code:
        errors.append(FieldError("agency", "required", _("Vui lòng chọn nơi nộp hồ sơ.")))
    return errors


def submit(view: DraftView, user: Any) -> Dossier:
    """File the dossier online; the same draft submitted twice gives the same dossier."""
    draft = view.draft
    if draft.submitted_code:
        return dossier_services.get_dossier(draft.submitted_code)
    errors = review_errors(view)
    if errors:
        raise ValidationFailed(_("Hồ sơ chưa đầy đủ; vui lòng kiểm tra lại."), errors)
    uploads = [record_of(view)]
    for row in draft.files.all():
        with row.file.open("rb") as handle:
            uploads.append(
                Upload(filename=row.filename, content=handle.read(), document_code=row.document_key, originals=1)
            )
    result = dossier_services.receive_dossier(
        procedure_code=draft.procedure_code,
        channel=str(Channel.ONLINE),
        receiving_unit=draft.agency_code,
        applicant=applicant_of(draft),
        components=uploads,
        user=user,
        idempotency_key=draft.idempotency_key,
    )
    dossier = result.dossier
    Submission.objects.get_or_create(
        dossier=dossier,
        defaults={"user": user, "form_title": view.form.title, "form_data": draft.data.get("form", {})},
    )
    Draft.objects.filter(pk=draft.pk).update(submitted_code=dossier.code)
    draft.submitted_code = dossier.code
    if result.created:
        for row in draft.files.all():
            row.file.delete(save=False)
        draft.files.all().delete()
        if draft.declaration:
            draft.declaration.delete(save=False)
            Draft.objects.filter(pk=draft.pk).update(declaration="", declaration_digest="")
        # The e-mailed acknowledgement with the receipt time and the tracking link is the dossier
        # notifications' (OS-INTAKE-06, outbox); the portal does not send a second one.
        log.info("portal.submitted", extra={"dossier": dossier.code})
    return dossier


def _record_inputs(view: DraftView) -> dict[str, Any]:
    from motcua.organizations.models import Agency

    agency = Agency.objects.filter(code=view.draft.agency_code).values_list("name", flat=True).first()
    return {
        "definition": view.form,
        "version": view.version,
        "applicant": view.draft.data.get("applicant", {}),
        "answers": view.draft.data.get("form", {}),
        "agency": agency or view.draft.agency_code,
    }


def _declaration_digest(view: DraftView, inputs: dict[str, Any]) -> str:
    material = {
        "version": view.version.pk,
        "form": [view.form.title, view.form.schema, view.form.ui],
        "applicant": inputs["applicant"],
        "answers": inputs["answers"],
        "agency": inputs["agency"],
    }
    return hashlib.sha256(json.dumps(material, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def declaration_pdf(view: DraftView) -> bytes:
    """The declaration PDF of the draft's current answers: rendered once (on the review page) and
    kept with the draft, rendered again only when the answers changed."""
    draft, inputs = view.draft, _record_inputs(view)
    digest = _declaration_digest(view, inputs)
    if draft.declaration and draft.declaration_digest == digest:
        try:
            with draft.declaration.open("rb") as handle:
                return bytes(handle.read())
        except OSError:
            pass  # the stored copy is gone: render again
    content = eform_record.render_record(**inputs)
    old = draft.declaration.name if draft.declaration else ""
    draft.declaration.save(f"{uuid.uuid4().hex}.pdf", ContentFile(content), save=False)
    draft.declaration_digest = digest
    Draft.objects.filter(pk=draft.pk).update(declaration=draft.declaration.name, declaration_digest=digest)
    if old:
        draft.declaration.storage.delete(old)
    return content


def record_of(view: DraftView) -> Upload:
    """The declaration PDF (the applicant's answers) that goes in with the files."""
    return eform_record.record_upload(**_record_inputs(view), content=declaration_pdf(view))


def owned_dossier(user: Any, code: str) -> Dossier:
    """The dossier `code` if `user` filed it from the portal, else NotFound (no existence leak)."""
    from motcua.core.errors import NotFound

    submission = (
        Submission.objects.select_related(
            "dossier", "dossier__procedure_version", "dossier__receiving_unit", "dossier__competent_agency"
        )
        .filter(user=user, dossier__code=code.strip())
        .first()
    )
    if submission is None or not getattr(user, "is_authenticated", False):
        raise NotFound(
            "unknown_dossier", _("Không tìm thấy hồ sơ có mã “%(code)s” trong tài khoản của bạn.") % {"code": code}
        )
    return submission.dossier
