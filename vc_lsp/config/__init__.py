"""Settings: the classes (``settings``), their rules (``rules``), turning JSON into them
(``convert``), the layers they come from (``layers``) and the files generated from them
(``schema``)."""

from .convert import SettingError, build, requirement, snake
from .layers import SettingsStore, from_environment, merge, section_of
from .rules import Invalid, Rule
from .settings import (
    DEFAULT_API_KEY_ENV,
    DEFAULT_BASE_URL,
    DEFAULT_MODEL,
    SECTION,
    ActionSettings,
    ContextSettings,
    InlineSettings,
    NetworkSettings,
    NextEditSettings,
    Settings,
    StatusSettings,
    Timeouts,
    UsageSettings,
    camel,
    env_vars,
)

__all__ = [
    "DEFAULT_API_KEY_ENV", "DEFAULT_BASE_URL", "DEFAULT_MODEL", "SECTION", "ActionSettings",
    "ContextSettings", "InlineSettings", "Invalid", "NetworkSettings", "NextEditSettings", "Rule",
    "SettingError", "Settings", "SettingsStore", "StatusSettings", "Timeouts", "UsageSettings",
    "build", "camel", "env_vars", "from_environment", "merge", "requirement", "section_of", "snake",
]
