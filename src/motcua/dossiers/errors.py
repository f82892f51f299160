"""Why a transition may not happen. Plain exceptions (no Django) carrying what the API needs.

Each has a stable `code`, a Vietnamese `message_vi` with an English `message_en`, and the HTTP
`status` the API layer should answer with; the API maps them onto `core.errors` bodies.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from motcua.dossiers.vocabulary import ACTION_LABELS, STATE_LABELS, Action, DossierState


class TransitionError(Exception):
    status: int = 400

    def __init__(self, code: str, message_vi: str, message_en: str) -> None:
        super().__init__(f"{code}: {message_en}")
        self.code = code
        self.message_vi = message_vi
        self.message_en = message_en


class IllegalTransition(TransitionError):
    """No row for this state, action and roles (OS-STATE-03); `allowed` lists what is allowed now."""

    status = 409

    def __init__(self, state: DossierState, action: Action, allowed: Sequence[Action]) -> None:
        state_vi, state_en = STATE_LABELS[state]
        action_vi, action_en = ACTION_LABELS[action]
        super().__init__(
            "illegal_transition",
            f"Không thể thực hiện «{action_vi}» khi hồ sơ ở trạng thái «{state_vi}» với vai trò hiện có.",
            f"{action_en} is not allowed for these roles while the dossier is {state_en.lower()}.",
        )
        self.state = state
        self.action = action
        self.allowed: list[Action] = list(allowed)


class GuardRefused(TransitionError):
    """A row exists but its guard says no (e.g. a second apology, OS-LATE-02: HTTP 409)."""

    status = 409


class MissingInputs(TransitionError):
    """Required inputs absent or blank; `missing` names each field (HTTP 422)."""

    status = 422

    def __init__(self, missing: Sequence[str]) -> None:
        names = ", ".join(missing)
        super().__init__(
            "missing_inputs",
            f"Thiếu thông tin bắt buộc: {names}.",
            f"Missing required inputs: {names}.",
        )
        self.missing: tuple[str, ...] = tuple(missing)


class InvalidInputs(TransitionError):
    """Inputs present but unusable; `invalid` maps each field to what was expected (HTTP 422)."""

    status = 422

    def __init__(self, invalid: Mapping[str, str]) -> None:
        names = ", ".join(invalid)
        super().__init__(
            "invalid_inputs",
            f"Thông tin không hợp lệ: {names}.",
            f"Invalid inputs: {names}.",
        )
        self.invalid: dict[str, str] = dict(invalid)
