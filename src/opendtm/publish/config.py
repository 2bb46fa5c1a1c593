"""The bulletin configuration file (TOML): the words the data cannot know, and disclosure
settings. A default for the demo ships with opendtm (``bulletin.toml`` beside this module).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from opendtm.process.disclosure import SINGLE_DIMENSION_KEYS, Rules

from .i18n import LANGUAGES

FORMATS = ("html", "pdf", "json", "hxl")
AUDIENCES = ("public", "internal")

REQUIRED = ("title", "series", "publisher", "about", "purpose", "disclaimer")


class ConfigError(ValueError):
    """The configuration file cannot be used; the message names the file and the key."""


@dataclass(frozen=True)
class BulletinConfig:
    source: str
    data: dict[str, Any]

    @property
    def country_order(self) -> list[str]:
        return [str(c) for c in self.data.get("countries", [])]

    @property
    def rules(self) -> Rules:
        d = self.data.get("disclosure", {})
        return Rules(int(d.get("threshold", Rules.threshold)),
                     tuple(d.get("single_dimensions", Rules.single_dimensions)))

    def text(self, lang: str) -> dict[str, Any]:
        texts: dict[str, Any] = self.data[lang]
        return texts

    def caption(self, lang: str, country: str) -> str | None:
        caption = self.data.get("captions", {}).get(country, {}).get(lang)
        return None if caption is None else str(caption)

    def partner_name(self, lang: str, name: str) -> str | None:
        """A partner's name in ``lang`` from the ``[partners."Name"]`` tables, if given."""
        given = self.data.get("partners", {}).get(name, {}).get(lang)
        return None if given is None else str(given)

    def definitions(self, lang: str) -> list[tuple[str, str]]:
        return [(d["term"][lang], d["text"][lang]) for d in self.data.get("definitions", [])]


def load(path: Path | None = None) -> BulletinConfig:
    if path is None:
        source = "the default bulletin configuration"
        raw = resources.files("opendtm.publish").joinpath("bulletin.toml").read_text("utf-8")
    else:
        source = str(path)
        try:
            raw = path.read_text("utf-8")
        except OSError as exc:
            raise ConfigError(f"{path}: cannot read the configuration ({exc.strerror})") from None
    try:
        data = tomllib.loads(raw)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{source}: not valid TOML: {exc}") from None
    _check(source, data)
    return BulletinConfig(source, data)


def _check(source: str, data: dict[str, Any]) -> None:
    for lang in LANGUAGES:
        texts = data.get(lang)
        if not isinstance(texts, dict):
            raise ConfigError(f"{source}: the [{lang}] table is missing")
        for key in REQUIRED:
            if key not in texts:
                raise ConfigError(f"{source}: [{lang}] has no {key!r}")
        for key in ("about", "purpose"):
            if isinstance(texts[key], str):
                texts[key] = [texts[key]]
    for i, d in enumerate(data.get("definitions", []), start=1):
        for part in ("term", "text"):
            missing = [lang for lang in LANGUAGES if lang not in d.get(part, {})]
            if missing:
                raise ConfigError(f"{source}: definition {i} has no {part} in "
                                  f"{', '.join(missing)}")
    disclosure = data.get("disclosure", {})
    threshold = disclosure.get("threshold", 5)
    if not isinstance(threshold, int) or threshold < 1:
        raise ConfigError(f"{source}: [disclosure] threshold must be a whole number of 1 or "
                          f"more, not {threshold!r}")
    known = set(SINGLE_DIMENSION_KEYS.values())
    for dim in disclosure.get("single_dimensions", []):
        if dim not in known:
            raise ConfigError(f"{source}: [disclosure] single_dimensions: {dim!r} is not one "
                              f"of {', '.join(sorted(known))}")
