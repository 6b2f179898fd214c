"""Profiles (``notebooks/profiles/<name>.yml``): notebook-name patterns -> parameter values,
and the parameters every notebook of a run gets from the profile and from ``-p``."""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .notebooks import (
    Notebook,
    UsageError,
    check_value,
    expected_kind,
    is_glob,
    lenient_number,
    show_value,
    type_name,
)

# --------------------------------------------------------------------------- profiles


#: the profile entry that holds settings of ``hsr run`` itself, not notebook parameters, and
#: the settings it may hold: ``seed_sets``, the default of ``hsr run --seed-sets``
RUN_ENTRY = "hsr run"
RUN_SETTINGS = ("seed_sets",)


@dataclass
class Profile:
    """A profile file: entries ``(pattern, {param: value})`` in file order, and the settings
    of ``hsr run`` from its entry ``"hsr run"`` (:data:`RUN_SETTINGS`)."""

    name: str
    path: Path
    entries: list[tuple[str, dict[str, Any]]]
    run: dict[str, Any] = field(default_factory=dict)


def yaml_module():
    try:
        import yaml
    except ImportError:  # pragma: no cover - the book extra is missing
        raise UsageError("PyYAML is not installed: pip install -e '.[book]'") from None
    return yaml


def available_profiles(root: Path) -> list[str]:
    return sorted(p.stem for p in (Path(root) / "notebooks" / "profiles").glob("*.yml"))


def load_profile(root: Path, name: str) -> Profile:
    """Read ``<root>/notebooks/profiles/<name>.yml``: a mapping of notebook-name patterns to
    mappings of parameter values (an empty file is an empty profile)."""
    path = Path(root) / "notebooks" / "profiles" / f"{name}.yml"
    if "/" in name or "\\" in name or not path.is_file():
        avail = available_profiles(root)
        raise UsageError(
            f"unknown profile {name!r}; available: {', '.join(avail) if avail else '(none)'}"
            f" (files notebooks/profiles/<name>.yml)"
        )
    yaml = yaml_module()

    class _Loader(yaml.SafeLoader):
        """Refuses a pattern listed twice (PyYAML would silently keep the last)."""

        def construct_mapping(self, node, deep=False):
            seen = set()
            for key_node, _ in node.value:
                key = self.construct_object(key_node, deep=True)
                if isinstance(key, str) and key in seen:
                    raise yaml.constructor.ConstructorError(
                        None, None, f"{key!r} appears twice", key_node.start_mark
                    )
                seen.add(key)
            return super().construct_mapping(node, deep=deep)

    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)
    except OSError as e:
        raise UsageError(f"profile {name}: cannot read {path}: {e}") from None
    except yaml.YAMLError as e:
        mark, problem = getattr(e, "problem_mark", None), getattr(e, "problem", None)
        where = f"line {mark.line + 1}: " if mark is not None else ""
        raise UsageError(
            f"profile {name}: cannot read {path}: {where}{problem or str(e).splitlines()[0]}"
        ) from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise UsageError(
            f"profile {name}: {path} must map notebook-name patterns to parameter values, "
            f"got a {type(data).__name__}"
        )
    entries, run = [], {}
    for pattern, values in data.items():
        if not isinstance(pattern, str):
            raise UsageError(f"profile {name}: entry {pattern!r} is not a notebook-name pattern")
        if values is None:
            values = {}
        if not isinstance(values, dict) or not all(isinstance(k, str) for k in values):
            raise UsageError(
                f"profile {name}: entry {pattern!r} must map parameter names to values"
            )
        if pattern == RUN_ENTRY:
            unknown = sorted(set(values) - set(RUN_SETTINGS))
            if unknown:
                raise UsageError(
                    f"profile {name}: entry {RUN_ENTRY!r} sets {', '.join(unknown)}; it holds "
                    f"settings of hsr run only: {', '.join(RUN_SETTINGS)}"
                )
            run = dict(values)
            continue
        entries.append((pattern, dict(values)))
    return Profile(name, path, entries, run)


def resolve_parameters(
    notebooks: list[Notebook],
    profile: Profile | None,
    overrides: list[tuple[str, str]] | None = None,
    available: list[str] | None = None,
) -> dict[str, dict[str, Any]]:
    """The parameters to inject into each notebook: the profile's entries in file order
    (patterns apply to the parameters a notebook has; an exact name must have every listed
    parameter), then the ``-p NAME VALUE`` overrides (YAML values; each must be a parameter
    of at least one of ``notebooks``). Every value is type-checked against the default;
    all problems are raised together as one :class:`UsageError`."""
    errors: list[str] = []
    out: dict[str, dict[str, Any]] = {nb.name: {} for nb in notebooks}
    by_name = {nb.name: nb for nb in notebooks}

    def put(nb: Notebook, key: str, value, raw: str | None, source: str) -> None:
        default = nb.params[key]
        value = lenient_number(default, value, raw)
        ok, value = check_value(default, value)
        if ok:
            out[nb.name][key] = value
        else:
            shown = raw if raw is not None else show_value(value)
            kind = type_name(value)
            if kind == "int" == expected_kind(default):  # too large for the notebook's numpy
                kind = "int beyond numpy's 64-bit integers, at most 2**63 - 1"
            errors.append(
                f"parameter {key!r} of notebook {nb.name} expects {expected_kind(default)}, "
                f"got {shown!r} ({kind}){source}"
            )

    if profile is not None:
        known = set(available) if available is not None else set(by_name)
        for pattern, values in profile.entries:
            src = f", from profile {profile.name} entry {pattern!r}"
            if not is_glob(pattern):
                if pattern not in known:
                    errors.append(
                        f"profile {profile.name}: entry {pattern!r} names no notebook "
                        "(use a glob pattern such as 'ws-*' to match several)"
                    )
                    continue
                nb = by_name.get(pattern)
                if nb is None:
                    continue
                for key, value in values.items():
                    if key not in nb.params:
                        errors.append(
                            f"profile {profile.name}: entry {pattern!r} sets {key!r}, which "
                            f"is not a parameter of notebook {nb.name} (its parameters: "
                            f"{', '.join(nb.params) or 'none'})"
                        )
                    else:
                        put(nb, key, value, None, src)
            else:
                for nb in notebooks:
                    if fnmatch.fnmatchcase(nb.name, pattern):
                        for key, value in values.items():
                            if key in nb.params:
                                put(nb, key, value, None, src)

    if overrides:
        final: dict[str, str] = {}
        for key, raw in overrides:
            final[key] = raw
        yaml = yaml_module() if final else None
        for key, raw in final.items():
            having = [nb for nb in notebooks if key in nb.params]
            if not having:
                names = ", ".join(nb.name for nb in notebooks)
                errors.append(
                    f"-p {key}: no selected notebook has a parameter {key!r} (selected: {names})"
                )
                continue
            try:
                parsed = yaml.safe_load(raw)
            except yaml.YAMLError:
                parsed = raw
            for nb in having:
                value = parsed
                if isinstance(nb.params[key], str) and not isinstance(parsed, str):
                    value = raw  # a string parameter takes the text as given
                put(nb, key, value, raw, "")
    if errors:
        raise UsageError("\n".join(errors))
    return out
