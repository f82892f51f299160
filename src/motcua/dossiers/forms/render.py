"""Render the one-stop forms to PDF (OS-FORM-01..10): Django template -> HTML -> WeasyPrint.

Keys are the OS-FORM-10 identifiers; the regime maps them to printed form numbers. Rendering never
touches the network: the only resources a form may load are `data:` URIs (the QR code), every
other scheme (http, https, file, ...) is refused by the URL fetcher and stops the rendering.
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

from django.template.loader import render_to_string
from weasyprint import HTML
from weasyprint.urls import FatalURLFetchingError, URLFetcher

from motcua.dossiers.forms.context import FORM_SPECS, base_context
from motcua.dossiers.forms.data import FormData, Regime

__all__ = [
    "FORM_KEYS",
    "FormRenderError",
    "form_number",
    "html_to_pdf",
    "render_form",
    "render_html",
    "url_fetcher",
]

FORM_KEYS: Final = (
    "receipt",
    "supplement_request",
    "refusal",
    "apology",
    "stop_notice",
    "control_slip",
    "register",
)

_NUMBERS: Final[dict[Regime, dict[str, str]]] = {
    # TT 01/2018/TT-VPCP Art. 9 (OS-FORM-01): no stop notice in this regime.
    Regime.ND61_2018: {
        "receipt": "01",
        "supplement_request": "02",
        "refusal": "03",
        "apology": "04",
        "control_slip": "05",
        "register": "06",
    },
    # NĐ 118/2025 (OS-FORM-10): the stop notice becomes 05 and shifts the slip and the register.
    Regime.ND118_2025: {
        "receipt": "01",
        "supplement_request": "02",
        "refusal": "03",
        "apology": "04",
        "stop_notice": "05",
        "control_slip": "06",
        "register": "07",
    },
}

# Relative URLs (there should be none) resolve against the templates, never against a web address.
_BASE_URL: Final = (Path(__file__).resolve().parent.parent / "templates" / "dossiers" / "forms").as_uri() + "/"


class FormRenderError(ValueError):
    """A form could not be rendered (for instance a template tried to load an external resource)."""


def form_number(key: str, regime: Regime | str) -> str:
    """The printed number ("01".."07") of form `key` under `regime`; KeyError if it has none."""
    numbers = _NUMBERS[Regime(regime)]
    if key not in numbers:
        raise KeyError(f"form {key!r} has no number under regime {Regime(regime).value}")
    return numbers[key]


def url_fetcher() -> URLFetcher:
    """A WeasyPrint fetcher that serves `data:` URIs only; any other URL is a fatal error."""
    return URLFetcher(allowed_protocols={"data"}, fail_on_errors=True, timeout=1)


def render_html(key: str, data: FormData) -> str:
    """The HTML of form `key` filled from `data` (the matching class in `forms.data`)."""
    spec = FORM_SPECS.get(key)
    if spec is None:
        raise KeyError(f"unknown form {key!r}; expected one of {', '.join(FORM_KEYS)}")
    if not isinstance(data, spec.data_type):
        raise TypeError(f"form {key!r} takes {spec.data_type.__name__}, not {type(data).__name__}")
    header = data.header
    context = spec.build(data)
    context |= base_context(header, context.pop("title"), form_number(key, header.regime))
    context |= {"data": data, "key": key}
    return str(render_to_string(spec.template, context))


def html_to_pdf(html: str) -> bytes:
    """Lay out `html` with WeasyPrint and return the PDF bytes, without any network access."""
    try:
        pdf = HTML(string=html, base_url=_BASE_URL, url_fetcher=url_fetcher()).write_pdf()
    except FatalURLFetchingError as exc:
        raise FormRenderError(str(exc)) from exc
    assert isinstance(pdf, bytes)
    return pdf


def render_form(key: str, data: FormData) -> bytes:
    """Render form `key` (receipt, supplement_request, refusal, apology, control_slip, register)
    from its plain data object to PDF bytes: A5 portrait for forms 01-05, A4 landscape for the register."""
    return html_to_pdf(render_html(key, data))
