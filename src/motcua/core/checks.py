from __future__ import annotations

import os
from typing import Any

from django.conf import settings
from django.core.checks import Error, register


@register(deploy=True)
def secret_key_from_environment(app_configs: Any, **kwargs: Any) -> list[Error]:
    """Production must set SECRET_KEY; the development default is public."""
    if "SECRET_KEY" not in os.environ or settings.SECRET_KEY.startswith("insecure-"):
        return [Error("SECRET_KEY must come from the environment in production.", id="motcua.E001")]
    return []
