"""Static checks of the addon's __manifest__.py (no Odoo needed)."""

import re

import pytest
from rkt_harness import check, rel
from rkt_harness.addon import (
    ManifestError,
    load_manifest,
    manifest_path,
    missing_manifest_files,
    unlisted_data_files,
)

VERSION_RE = re.compile(r"^18\.0\.\d+\.\d+\.\d+$")


@pytest.fixture(scope="module")
def manifest(addon):
    try:
        return load_manifest(addon)
    except ManifestError as exc:
        pytest.fail(str(exc), pytrace=False)


def test_manifest_parses(addon):
    try:
        load_manifest(addon)
    except ManifestError as exc:
        pytest.fail(str(exc), pytrace=False)


def test_manifest_version(addon, manifest):
    version = manifest.get("version")
    check(
        isinstance(version, str) and VERSION_RE.match(version),
        f"{rel(manifest_path(addon))}: version {version!r} does not match 18.0.x.y.z"
    )


def test_manifest_license(addon, manifest):
    check(
        manifest.get("license") == "LGPL-3",
        f"{rel(manifest_path(addon))}: license is {manifest.get('license')!r}, expected 'LGPL-3'"
    )


def test_manifest_files_exist(addon, manifest):
    problems = missing_manifest_files(addon, manifest)
    check(not problems, "Files named in the manifest are missing:\n" + "\n".join(problems))


def test_no_unlisted_data_files(addon, manifest):
    unlisted = unlisted_data_files(addon, manifest)
    check(
        not unlisted,
        f"{rel(manifest_path(addon))} loads neither 'data' nor 'demo' file(s) that sit in "
        "the data directories (list them or delete them):\n"
        + "\n".join(f"  {p}" for p in unlisted)
    )
