"""The demo division heads confirm the lines pre-filled from the Renstra (see
``demo/rkt_renstra_demo.xml``) and type only the others."""


def skip_prefilled(form, vals_list):
    """``vals_list`` without the lines whose indicator ``form`` holds already."""
    existing = set(form.line_ids.mapped("indicator"))
    return [vals for vals in vals_list if vals["indicator"] not in existing]
