"""The addon as a wheel, the way OCA distributes addons (``odoo-addon-<name>``).

Static part (no Odoo): ``pip wheel`` builds it with whool (``<addon>/pyproject.toml``);
its name, version, metadata and files are checked. Odoo part (marked ``odoo``,
skipped when there is no Odoo 18): pip installs it into a scratch virtualenv on
top of Odoo's interpreter, and Odoo finds and installs the addon from
site-packages with only its own addons on ``--addons-path``.
"""

import ast
import shutil
import time

import pytest
from rkt_harness import SESSION, addon_dir, addon_name, addons_dir, check, rel
from rkt_harness.addon import ManifestError, load_manifest
from rkt_harness.odoo import (
    OdooInstall,
    RunResult,
    analyse_log,
    drop_databases,
    free_port,
    module_states,
    parse_log,
    run_odoo,
)
from rkt_harness.suite import result_file
from rkt_harness.wheel import (
    ScratchEnv,
    build_wheel,
    dist_name,
    tracked_addon_files,
    wheel_metadata,
    wheel_name_re,
)

try:
    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name
    from packaging.version import Version
except ImportError:  # pragma: no cover - requirements-dev.txt installs it
    Requirement = None

# Versions of Odoo the wheel must accept, and must refuse.
ODOO_ACCEPTED = ("18.0", "18.0.post20250101", "18.0+e")
ODOO_REFUSED = ("17.0", "18.1", "19.0")


@pytest.fixture(scope="session")
def manifest():
    try:
        return load_manifest(addon_dir())
    except ManifestError as exc:
        pytest.fail(str(exc), pytrace=False)


@pytest.fixture(scope="session")
def wheel(addon, manifest):
    """The addon's wheel in .test-results/wheel/ (built once per session)."""
    check(
        (addon / "pyproject.toml").is_file(),
        f"{rel(addon / 'pyproject.toml')} does not exist: the addon cannot be built as a wheel",
    )
    check(
        shutil.which("git") is not None,
        "git is not installed: whool packs the git-tracked files of the addon",
    )
    try:
        import whool  # noqa: F401, PLC0415 - only to say what is missing
    except ImportError:
        check(False, "whool is not installed in the harness' environment: pip install -r requirements-dev.txt")
    path, output = build_wheel()
    check(path is not None, f"`pip wheel {rel(addon)}` did not build one wheel:\n{output[-3000:]}")
    return path


def test_wheel_is_named_and_described_as_oca_addons_are(wheel, manifest):
    check(Requirement is not None, "packaging is not installed: pip install -r requirements-dev.txt")
    version = manifest["version"]
    check(
        wheel_name_re(version).fullmatch(wheel.name),
        f"the wheel is {wheel.name}, expected {dist_name()}-{version}[.N]-py3-none-any.whl",
    )
    metadata, _names = wheel_metadata(wheel)
    check(
        metadata["Name"] == f"odoo-addon-{addon_name()}",
        f"the wheel's Name is {metadata['Name']!r}, expected 'odoo-addon-{addon_name()}'",
    )
    requires = [Requirement(r) for r in metadata.get_all("Requires-Dist") or []]
    odoo = [r for r in requires if canonicalize_name(r.name) == "odoo"]
    check(len(odoo) == 1, f"the wheel should require odoo once; Requires-Dist: {[str(r) for r in requires]}")
    spec = odoo[0].specifier
    wrong = [v for v in ODOO_ACCEPTED if not spec.contains(Version(v), prereleases=True)]
    wrong += [v for v in ODOO_REFUSED if spec.contains(Version(v), prereleases=True)]
    check(
        not wrong,
        f"the wheel requires {odoo[0]}, which does not mean Odoo 18 (wrong for {', '.join(wrong)})",
    )
    # Every other addon it depends on is a core addon (no odoo-addon-* requirement),
    # and every Python library the manifest names is required.
    addon_reqs = [str(r) for r in requires if canonicalize_name(r.name).startswith("odoo-addon-")]
    check(not addon_reqs, f"the wheel requires other addons: {addon_reqs} (are they in Odoo 18?)")
    try:
        from manifestoo_core.metadata import EXTERNAL_DEPENDENCIES_MAP  # noqa: PLC0415
    except ImportError:  # pragma: no cover
        EXTERNAL_DEPENDENCIES_MAP = {}  # noqa: N806
    required = {canonicalize_name(r.name) for r in requires}
    python_deps = manifest.get("external_dependencies", {}).get("python", [])
    missing = [
        d for d in python_deps
        if canonicalize_name(EXTERNAL_DEPENDENCIES_MAP.get(d, Requirement(d).name)) not in required
    ]  # fmt: skip
    check(not missing, f"the manifest's Python dependencies {missing} are not in the wheel's Requires-Dist")


def test_wheel_holds_the_addon_under_odoo_addons(wheel, manifest):
    _metadata, names = wheel_metadata(wheel)
    prefix = f"odoo/addons/{addon_name()}/"
    outside = [n for n in names if not n.startswith(prefix) and ".dist-info/" not in n]
    check(not outside, f"the wheel has files outside {prefix}: {outside[:10]}")
    # An odoo/__init__.py or odoo/addons/__init__.py would replace Odoo's own.
    check(
        "odoo/__init__.py" not in names and "odoo/addons/__init__.py" not in names,
        "the wheel ships odoo/__init__.py or odoo/addons/__init__.py: installing it would break Odoo",
    )
    packed = sorted(n[len(prefix) :] for n in names if n.startswith(prefix))
    expected = tracked_addon_files()
    if expected is None:  # not a git checkout: at least the manifest's files
        expected = ["__init__.py", "__manifest__.py", *manifest.get("data", []), *manifest.get("demo", [])]
        missing = [f for f in expected if f not in packed]
        extra = []
    else:
        expected = [f for f in expected if f != "pyproject.toml"]
        missing = [f for f in expected if f not in packed]
        extra = [f for f in packed if f not in expected]
    check(
        not missing and not extra,
        f"{wheel.name} does not hold exactly the addon's git-tracked files:"
        + (f"\n  missing: {missing[:20]}" if missing else "")
        + (f"\n  not tracked by git: {extra[:20]}" if extra else ""),
    )


@pytest.mark.odoo
def test_wheel_installs_into_odoo_and_odoo_finds_it_there(odoo_setup, wheel):
    suite, error = odoo_setup
    check(not error, error)
    install = suite.install
    db = f"rkt_test_{suite.pid}_wheel"
    data_dir = suite.data_dir(db)
    # Only Odoo's own addons (and ODOO_ADDONS_PATH's): not the repository.
    paths = [p for p in install.addons_path if p != str(addons_dir())]
    env = ScratchEnv(install.python)
    log_path = result_file("odoo-wheel", ".log")
    steps_log = result_file("wheel-install", ".log")
    started = time.monotonic()
    try:
        problem = env.create()
        check(not problem, f"{problem}\n(commands: {env.write_log(steps_log)})")
        proc = env.pip_install(wheel)
        check(
            proc.returncode == 0,
            f"`pip install --no-index {wheel.name}` into a virtualenv on {install.python} failed "
            f"(are its requirements met by that Odoo?):\n{(proc.stdout + proc.stderr).strip()[-2000:]}\n"
            f"(commands: {env.write_log(steps_log)})",
        )
        target = env.installed_addon_dir()
        check(
            (target / "__manifest__.py").is_file(),
            f"pip did not put the addon in {target}",
        )
        found, err = env.find_addon(paths, data_dir)
        check(found is not None, "Odoo could not look for the addon:\n" + "\n".join(err or []))
        check(
            found["odoo"] is not None,
            f"with the wheel installed, `import odoo` gives a namespace package ({found.get('odoo_path')}) "
            "instead of Odoo: Odoo was installed editable in setuptools' default mode, whose import "
            "hook loses to site-packages/odoo/. Reinstall it with "
            "`pip install --config-settings editable_mode=compat -e <odoo>` (scripts/setup.sh does).",
        )
        check(
            found["module"] == str(target),
            f"odoo.modules.get_module_path({addon_name()!r}) is {found['module']!r}, expected the "
            f"installed wheel {target} (Odoo's addons path: {found['addons_path']})",
        )
        # Install it for real, on a fresh database, from site-packages.
        drop_databases(install, [db])
        shutil.rmtree(data_dir, ignore_errors=True)
        scratch = OdooInstall(
            bin=install.bin, python=env.python, version=install.version, root=install.root, addons_path=paths
        )
        args = [
            "--config", str(suite.config_file),
            "--database", db,
            "--addons-path", ",".join(paths),
            "--data-dir", str(data_dir),
            "--log-level", "info",
            "--max-cron-threads", "0",
            "--http-interface", "127.0.0.1",
            "--http-port", str(free_port()),
            "--init", addon_name(),
            "--without-demo=all",
            "--stop-after-init",
        ]  # fmt: skip
        result = RunResult(label="wheel", demo=False, db=db, log=rel(log_path))
        result.exit_code, result.seconds, result.timed_out = run_odoo(scratch, args, log_path)
        records = parse_log(log_path)
        analyse_log(result, records, expect_tests=False)
        states = module_states(install, db, [addon_name()]) or {}
        state = states.get(addon_name(), {}).get("state")
        if state != "installed":
            result.problems.append(f"{addon_name()} is not installed after the run (state: {state})")
        paths_record = next((r for r in records if r.msg.startswith("addons paths: ")), None)
        if paths_record is None:
            result.problems.append("no 'addons paths: [...]' line in the log")
        else:
            logged = ast.literal_eval(paths_record.msg.removeprefix("addons paths: "))
            if str(target.parent) not in logged:
                result.problems.append(f"Odoo's addons paths {logged} do not include {target.parent}")
            if str(addons_dir()) in logged:
                result.problems.append(f"the repository {addons_dir()} is on Odoo's addons paths {logged}")
        check(result.passed, result.report().replace("Odoo suite (wheel)", f"Odoo installing {wheel.name}"))
        SESSION["notes"].append(
            f"[wheel] {wheel.name}: pip-installed on {install.python}'s environment, "
            f"{addon_name()} installed by Odoo from site-packages ({time.monotonic() - started:.0f} s)"
        )
    finally:
        env.remove()
        drop_error = suite.cleanup(db)
        if drop_error:
            SESSION["notes"].append(drop_error)
