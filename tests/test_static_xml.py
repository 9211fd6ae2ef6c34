"""Every XML file of the addon is well-formed (no Odoo needed)."""

from lxml import etree
from rkt_harness import check, rel
from rkt_harness.addon import iter_files


def test_xml_well_formed(addon):
    files = list(iter_files(addon, {".xml"}))
    problems = []
    for path in files:
        try:
            etree.parse(str(path))
        except etree.XMLSyntaxError as exc:
            problems.append(f"{rel(path)}:{exc.lineno or '?'}: {exc.msg}")
    check(not problems, f"{len(problems)} of {len(files)} XML file(s) are not well-formed:\n" + "\n".join(problems))
