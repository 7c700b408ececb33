"""The project installs from its lock on every Python it says it supports (3.11, 3.12, 3.13).

`make` installs with `uv sync --frozen`, which takes the lock as it is: a Python the lock was not resolved for,
or a compiled package locked without a wheel for it, fails on a fresh machine before anything runs.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from packaging.specifiers import SpecifierSet

ROOT = Path(__file__).resolve().parent.parent
SUPPORTED = ("3.11", "3.12", "3.13")


@pytest.fixture(scope="module")
def lock() -> dict:
    return tomllib.loads((ROOT / "uv.lock").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def project() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]


@pytest.mark.parametrize("version", SUPPORTED)
def test_project_and_lock_admit_every_supported_python(project, lock, version):
    assert f"{version}.0" in SpecifierSet(project["requires-python"])
    assert f"{version}.0" in SpecifierSet(lock["requires-python"])


def _wheel_serves(wheel_url: str, version: str) -> bool:
    """Whether a wheel installs on CPython `version` (pure, abi3 from an older tag, or built for it)."""
    python_tag, abi_tag = Path(wheel_url).name.removesuffix(".whl").split("-")[-3:-1]
    cp = "cp" + version.replace(".", "")
    tags = python_tag.split(".")
    if any(t.startswith("py") for t in tags):
        return True  # pure Python
    if abi_tag == "abi3":
        return any(t.startswith("cp3") and int(t[3:]) <= int(cp[3:]) for t in tags)
    return cp in tags


@pytest.mark.parametrize("version", SUPPORTED)
def test_every_wheel_only_package_has_a_linux_wheel_for_each_supported_python(lock, version):
    missing = []
    for package in lock["package"]:
        if "sdist" in package or "wheels" not in package:
            continue  # builds from source (gcc and the headers are on the machine) or is the project itself
        linux_wheels = [w["url"] for w in package["wheels"] if "linux" in w["url"] or w["url"].endswith("-any.whl")]
        if linux_wheels and not any(_wheel_serves(url, version) for url in linux_wheels):
            missing.append(f"{package['name']}=={package['version']}")
    assert not missing, f"no wheel for Python {version}: {missing}"


@pytest.mark.parametrize("name", ["duckdb", "pyarrow", "pandas", "lxml", "rapidfuzz", "python-calamine"])
@pytest.mark.parametrize("version", SUPPORTED)
def test_compiled_dependencies_are_locked_with_wheels_for_each_supported_python(lock, name, version):
    """The compiled core must not fall back to a source build (minutes, and a compiler per package)."""
    cp = "cp" + version.replace(".", "")
    versions = [p for p in lock["package"] if p["name"] == name]
    assert versions, f"{name} is not in the lock"
    for package in versions:
        urls = [w["url"] for w in package.get("wheels", []) if "manylinux" in w["url"] and "x86_64" in w["url"]]
        assert any(_wheel_serves(url, version) for url in urls), f"{name}=={package['version']}: no {cp} wheel"
