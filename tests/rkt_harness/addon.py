"""Static reading of an Odoo addon: manifest, models (via ``ast``), XML ids.

Nothing here imports the addon or Odoo.
"""

import ast
import glob
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

# Directories whose .xml/.csv files must all be declared in the manifest.
DATA_DIRS = ("data", "demo", "views", "security", "report", "reports", "wizard", "wizards")
# Python that never defines installable models.
NON_MODEL_DIRS = ("tests", "migrations", "upgrades", "static", "__pycache__")
MODEL_BASES = {"Model", "TransientModel", "AbstractModel"}
GLOB_CHARS = set("*?[")


class ManifestError(Exception):
    pass


def manifest_path(addon_dir):
    return Path(addon_dir) / "__manifest__.py"


def load_manifest(addon_dir):
    path = manifest_path(addon_dir)
    if not path.is_file():
        raise ManifestError(f"{path} does not exist")
    try:
        value = ast.literal_eval(path.read_text(encoding="utf-8"))
    except (SyntaxError, ValueError) as exc:
        raise ManifestError(f"{path}: not a Python literal: {exc}") from exc
    if not isinstance(value, dict):
        raise ManifestError(f"{path}: the manifest is a {type(value).__name__}, not a dict")
    return value


def _is_glob(path):
    return any(ch in GLOB_CHARS for ch in path)


def asset_paths(manifest):
    """Yield (bundle, path) for every file path in the manifest's assets.

    Odoo 18 asset entries are a path/glob, or a tuple directive:
    ('include', bundle) | ('remove', path) | ('prepend', path) |
    ('after'|'before'|'replace', target, path).
    """
    for bundle, entries in (manifest.get("assets") or {}).items():
        for entry in entries or ():
            if isinstance(entry, str):
                yield bundle, entry
            elif isinstance(entry, (list, tuple)) and entry:
                directive = entry[0]
                if directive == "include":
                    continue
                yield bundle, entry[-1]


def missing_manifest_files(addon_dir, manifest):
    """Files named by data/demo/assets that do not exist: list of messages."""
    addon_dir = Path(addon_dir)
    name = addon_dir.name
    problems = []
    for key in ("data", "demo"):
        for fname in manifest.get(key) or ():
            if not (addon_dir / fname).is_file():
                problems.append(f"{name}/__manifest__.py: '{key}' lists {fname!r}, which does not exist")
    for bundle, path in asset_paths(manifest):
        # Only this addon's own files can be checked without Odoo.
        if not path.startswith(f"{name}/"):
            continue
        full = addon_dir.parent / path
        if _is_glob(path):
            if not glob.glob(str(full), recursive=True):
                problems.append(
                    f"{name}/__manifest__.py: assets[{bundle!r}] glob {path!r} matches no file"
                )
        elif not full.is_file():
            problems.append(
                f"{name}/__manifest__.py: assets[{bundle!r}] lists {path!r}, which does not exist"
            )
    return problems


def unlisted_data_files(addon_dir, manifest):
    """.xml/.csv files in the data directories that the manifest never loads."""
    addon_dir = Path(addon_dir)
    listed = {
        (addon_dir / f).resolve()
        for key in ("data", "demo")
        for f in (manifest.get(key) or ())
    }
    unlisted = []
    for sub in DATA_DIRS:
        base = addon_dir / sub
        if not base.is_dir():
            continue
        for path in sorted(base.rglob("*")):
            if path.suffix.lower() in (".xml", ".csv") and path.is_file():
                if path.resolve() not in listed:
                    unlisted.append(path.relative_to(addon_dir.parent))
    return unlisted


def iter_files(addon_dir, suffixes, skip_dirs=("__pycache__",)):
    addon_dir = Path(addon_dir)
    for path in sorted(addon_dir.rglob("*")):
        if not path.is_file() or path.suffix.lower() not in suffixes:
            continue
        parts = path.relative_to(addon_dir).parts[:-1]
        if any(p in skip_dirs for p in parts):
            continue
        yield path


@dataclass
class ModelDef:
    name: str
    kind: str  # Model | TransientModel | AbstractModel
    file: Path
    line: int
    is_new: bool  # False when it only extends a model (_name in _inherit)


def _base_kind(base):
    if isinstance(base, ast.Attribute) and base.attr in MODEL_BASES:
        return base.attr
    if isinstance(base, ast.Name) and base.id in MODEL_BASES:
        return base.id
    return None


def _str_or_list(node):
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, (ast.List, ast.Tuple)):
        return [e.value for e in node.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)]
    return []


def python_models(addon_dir):
    """Every class deriving from models.(Transient|Abstract)Model that sets _name."""
    found = []
    for path in iter_files(addon_dir, {".py"}, skip_dirs=NON_MODEL_DIRS):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if not isinstance(node, ast.ClassDef):
                continue
            kinds = [k for k in map(_base_kind, node.bases) if k]
            if not kinds:
                continue
            attrs = {}
            for stmt in node.body:
                if isinstance(stmt, ast.Assign):
                    for target in stmt.targets:
                        if isinstance(target, ast.Name):
                            attrs[target.id] = stmt.value
                elif isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name) and stmt.value:
                    attrs[stmt.target.id] = stmt.value
            names = _str_or_list(attrs["_name"]) if "_name" in attrs else []
            if not names:
                continue
            inherits = _str_or_list(attrs["_inherit"]) if "_inherit" in attrs else []
            found.append(
                ModelDef(
                    name=names[0],
                    kind=kinds[0],
                    file=path,
                    line=node.lineno,
                    is_new=names[0] not in inherits,
                )
            )
    return found


def defined_models(addon_dir):
    """{model name: ModelDef} of the models this addon creates."""
    result = {}
    for model in python_models(addon_dir):
        if model.is_new and model.name not in result:
            result[model.name] = model
    return result


def xml_record_ids(addon_dir, files, model):
    """XML ids (unqualified as written) of <record model=...> in the given files."""
    ids = set()
    for fname in files:
        path = Path(addon_dir) / fname
        if path.suffix.lower() != ".xml" or not path.is_file():
            continue
        try:
            root = etree.parse(str(path)).getroot()
        except etree.XMLSyntaxError:
            continue  # reported by the well-formedness test
        for rec in root.iter("record"):
            if rec.get("model") == model and rec.get("id"):
                ids.add(rec.get("id"))
    return ids
