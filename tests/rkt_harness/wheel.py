"""The addon as OCA ships addons: a wheel built by whool, installed with pip.

``build_wheel`` runs ``pip wheel`` on the addon directory (whool, the build
backend named by ``<addon>/pyproject.toml``, comes from requirements-dev.txt, so
the build needs no network). ``ScratchEnv`` is a throw-away virtualenv layered on
the interpreter that runs Odoo (a ``.pth`` file adds that interpreter's
site directories, .pth files included), into which the wheel is installed with
``pip install --no-index``: Odoo's own environment is never touched.
"""

import json
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from email.parser import HeaderParser
from pathlib import Path

from . import RESULTS_DIR, _git, addon_dir, addon_name, addons_dir, rel

WHEEL_DIR = RESULTS_DIR / "wheel"


def dist_name():
    return f"odoo_addon_{addon_name()}"


def wheel_name_re(manifest_version):
    # whool's version: the manifest's, plus ".N" for the N commits since it was
    # last changed (OCA's "post version" for Odoo >= 17).
    return re.compile(
        re.escape(dist_name()) + "-" + re.escape(manifest_version) + r"(\.\d+)?-py3-none-any\.whl"
    )


def build_wheel(out_dir=WHEEL_DIR):
    """Build the addon's wheel into out_dir; returns (path or None, pip's output)."""
    shutil.rmtree(out_dir, ignore_errors=True)
    out_dir.mkdir(parents=True)
    cmd = [
        sys.executable, "-m", "pip", "wheel",
        "--no-deps", "--no-build-isolation", "--disable-pip-version-check",
        "--wheel-dir", str(out_dir), str(addon_dir()),
    ]  # fmt: skip
    proc = subprocess.run(cmd, capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=600)
    output = f"$ {' '.join(cmd)}\n{proc.stdout}{proc.stderr}"
    wheels = sorted(out_dir.glob("*.whl"))
    if proc.returncode != 0 or len(wheels) != 1:
        return None, output
    return wheels[0], output


def wheel_metadata(path):
    with zipfile.ZipFile(path) as zf:
        names = zf.namelist()
        meta_name = next(n for n in names if n.endswith(".dist-info/METADATA"))
        metadata = HeaderParser().parsestr(zf.read(meta_name).decode("utf-8"))
    return metadata, names


def tracked_addon_files():
    """The addon's files under git (what whool packs), relative to it; None without git."""
    top = _git("rev-parse", "--show-toplevel")
    if top is None or Path(top.strip()).resolve() != addons_dir():
        return None
    out = _git("ls-files", "--", addon_dir().relative_to(addons_dir()).as_posix())
    if out is None:
        return None
    prefix = addon_dir().relative_to(addons_dir()).as_posix() + "/"
    return sorted(line[len(prefix) :] for line in out.splitlines() if line.startswith(prefix))


# --------------------------------------------------------------------------
# A scratch environment on top of Odoo's interpreter
# --------------------------------------------------------------------------

_SITE_DIRS = (
    "import json, site; "
    "dirs = site.getsitepackages() + ([site.getusersitepackages()] if site.ENABLE_USER_SITE else []); "
    "print(json.dumps(dirs))"
)
_PURELIB = "import sysconfig; print(sysconfig.get_paths()['purelib'])"
# Where Odoo finds the addon, with only Odoo's own addons on its addons path.
_FIND_ADDON = r"""
import json, sys
import odoo
if getattr(odoo, "__file__", None) is None:
    print(json.dumps({"odoo": None, "odoo_path": list(odoo.__path__)}))
    sys.exit(0)
from odoo.tools import config
config.parse_config(["--addons-path", sys.argv[1], "--data-dir", sys.argv[2]])
from odoo.modules.module import get_module_path, initialize_sys_path
initialize_sys_path()
print(json.dumps({
    "odoo": odoo.__file__,
    "module": get_module_path(sys.argv[3], display_warning=False),
    "addons_path": list(odoo.addons.__path__),
}))
"""


class ScratchEnv:
    """A virtualenv that sees everything Odoo's interpreter sees, plus what is installed in it."""

    def __init__(self, odoo_python):
        self.odoo_python = odoo_python
        self.dir = Path(tempfile.mkdtemp(prefix=f"rkt-wheel-{addon_name()}-"))
        self.python = str(self.dir / "bin" / "python")
        self.purelib = None
        self.log = []

    def run(self, cmd, timeout=600):
        proc = subprocess.run(cmd, capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=timeout)
        self.log.append(f"$ {' '.join(str(c) for c in cmd)}\n{proc.stdout}{proc.stderr}".rstrip())
        return proc

    def create(self):
        """Returns None, or what went wrong."""
        proc = self.run([self.odoo_python, "-m", "venv", str(self.dir)])
        if proc.returncode != 0:
            return f"`{self.odoo_python} -m venv` failed:\n{proc.stderr.strip()}"
        proc = self.run([self.odoo_python, "-c", _SITE_DIRS])
        if proc.returncode != 0:
            return f"could not read the site directories of {self.odoo_python}:\n{proc.stderr.strip()}"
        site_dirs = json.loads(proc.stdout)
        self.purelib = self.run([self.python, "-c", _PURELIB]).stdout.strip()
        # One line: an "import" line of a .pth file is executed; addsitedir also
        # processes the .pth files of those directories (Odoo's editable install).
        line = f"import site; list(map(site.addsitedir, {site_dirs!r}))\n"
        (Path(self.purelib) / "_rkt_odoo_environment.pth").write_text(line, encoding="utf-8")
        return None

    def pip_install(self, wheel):
        """pip install --no-index: the wheel's requirements must be met by Odoo's environment."""
        return self.run(
            [self.python, "-m", "pip", "install", "--no-index", "--no-cache-dir",
             "--disable-pip-version-check", str(wheel)]
        )  # fmt: skip

    def find_addon(self, addons_path, data_dir):
        proc = self.run([self.python, "-c", _FIND_ADDON, ",".join(addons_path), str(data_dir), addon_name()])
        if proc.returncode != 0:
            return None, proc.stderr.strip().splitlines()[-5:]
        return json.loads(proc.stdout.strip().splitlines()[-1]), None

    def installed_addon_dir(self):
        return Path(self.purelib) / "odoo" / "addons" / addon_name()

    def write_log(self, path):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("\n\n".join(self.log) + "\n", encoding="utf-8")
        return rel(path)

    def remove(self):
        shutil.rmtree(self.dir, ignore_errors=True)
