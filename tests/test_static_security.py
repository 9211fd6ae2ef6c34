"""ir.model.access.csv against the models and groups the addon really has.

Models are read from the addon's Python with ``ast`` (never imported).
"""

import csv

import pytest
from rkt_harness import check, rel
from rkt_harness.addon import defined_models, load_manifest, python_models, xml_record_ids

ACCESS_CSV = "security/ir.model.access.csv"
REQUIRED_COLUMNS = ("id", "name", "model_id:id", "group_id:id", "perm_read", "perm_write", "perm_create", "perm_unlink")


@pytest.fixture(scope="module")
def context(addon):
    manifest = load_manifest(addon)
    name = addon.name
    models = defined_models(addon)
    groups = xml_record_ids(addon, manifest.get("data") or (), "res.groups")
    groups = {g.split(".", 1)[1] if g.startswith(name + ".") else g for g in groups}
    depends = set(manifest.get("depends") or ()) | {"base"}
    return {"name": name, "models": models, "groups": groups, "depends": depends}


def _rows(addon):
    path = addon / ACCESS_CSV
    if not path.is_file():
        return path, None
    with open(path, newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        rows = list(reader)
        header = reader.fieldnames or []
    return path, (header, rows)


def _split_xmlid(value, own):
    if "." in value:
        module, local = value.split(".", 1)
        return (None if module == own else module), local
    return None, value


def test_access_rows_name_existing_models_and_groups(addon, context):
    path, data = _rows(addon)
    if data is None:
        check(not context["models"], f"{rel(path)} is missing but the addon defines models")
        return
    header, rows = data
    missing_cols = [c for c in REQUIRED_COLUMNS if c not in header]
    check(not missing_cols, f"{rel(path)}: header lacks column(s) {missing_cols}")
    own = context["name"]
    known_models = {"model_" + m.replace(".", "_"): m for m in context["models"]}
    problems = []
    for lineno, row in enumerate(rows, start=2):
        where = f"{rel(path)}:{lineno} ({row.get('id')})"
        module, local = _split_xmlid((row.get("model_id:id") or "").strip(), own)
        if not local:
            problems.append(f"{where}: empty model_id:id")
        elif module is None:
            if local not in known_models:
                problems.append(
                    f"{where}: model {local!r} is not a model defined by {own} "
                    f"(defined: {sorted(known_models) or 'none'})"
                )
        elif module not in context["depends"]:
            problems.append(f"{where}: model {module}.{local}: {module!r} is not in the manifest's depends")
        group = (row.get("group_id:id") or "").strip()
        if not group:
            problems.append(f"{where}: no group_id:id - this would grant the access to every user, portal and public included")
            continue
        gmodule, glocal = _split_xmlid(group, own)
        if gmodule is None:
            if glocal not in context["groups"]:
                problems.append(
                    f"{where}: group {glocal!r} is not a res.groups record in the addon's data XML "
                    f"(defined: {sorted(context['groups']) or 'none'})"
                )
        elif gmodule not in context["depends"]:
            problems.append(f"{where}: group {group}: {gmodule!r} is neither base nor in the manifest's depends")
    check(not problems, "\n".join(problems))


def test_every_model_has_access_rows(addon, context):
    path, data = _rows(addon)
    rows = data[1] if data else []
    covered = set()
    for row in rows:
        module, local = _split_xmlid((row.get("model_id:id") or "").strip(), context["name"])
        if module is None:
            covered.add(local)
    missing = [
        f"{m.name} ({m.kind}, {rel(m.file)}:{m.line})"
        for m in context["models"].values()
        if m.kind != "AbstractModel" and "model_" + m.name.replace(".", "_") not in covered
    ]
    check(not missing, f"{rel(path)} has no access row for:\n" + "\n".join(f"  {m}" for m in missing))


def test_models_are_found(addon):
    """Guard against the checks above passing vacuously."""
    models = python_models(addon)
    check(
        models or not list((addon / "models").glob("*.py")),
        f"no class with _name found in {rel(addon)}: the ast reader of the harness needs fixing"
    )
