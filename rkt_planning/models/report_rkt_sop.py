import math

from odoo import api, models
from odoo.tools.image import image_data_uri

from .report_rkt_plan import (
    estimate_lines,
    format_date_id,
    paginate,
)
from .rkt_sop_step import DECISION_KINDS, ROLE_CODES

# Geometry of the flowchart, in CSS pixels.  Each executor cell of a step row holds
# one SVG as tall as the row; lines run at the lane's centre (x = 50 %) or from the
# centre to the cell's edges, so they meet those of the neighbouring cells whatever
# the width of the paper.  Symbols are drawn in an inner SVG placed at the lane's
# centre, in coordinates relative to it.
# the least height of a step row: room for its symbol and arrows
ROW_MIN_HEIGHT = {"decision": 62}
ROW_DEFAULT_HEIGHT = 48
BUS_GAP = 10  # the horizontal part of an arrow runs this far above the row's bottom
OFF_PAGE = 26  # room for an off-page connector at the top or bottom of a row
SYMBOLS = {
    # kind: (half width, half height)
    "terminator": (29, 11),
    "process": (27, 12),
    "decision": (30, 16),
}
PENTAGON = (14, 20)  # half width, height: the connector that names a step
ARROW = 7

# Column widths (percent of the table); the table's text: size, line, padding.
COLUMNS = {
    "number": 3.5,
    "name": 19.0,
    "lanes": 45.0,
    "requirement": 10.5,
    "time": 6.0,
    "output": 10.5,
    "note": 5.5,
}
FONT_PX = 10.5 * 4 / 3
LINE_PX = FONT_PX * 1.25
CELL_PAD_PX = 9
HEADING_PX = 2 * 14 * 4 / 3 * 1.25 + 14  # the two title lines above the table
# The rows' heights are those of their SVGs, not estimates: pages can be fuller
# than the RKT's.
PAGE_FILL = 0.97


def _shape_kind(step):
    if step.kind in ("start", "archive"):
        return "terminator"
    if step.kind in DECISION_KINDS:
        return "decision"
    return "process"


class ReportRktSop(models.AbstractModel):
    """Values of the SOP sheet (SOP AP, PermenPAN-RB 35/2012): identity block and
    the procedure table with its swim-lane flowchart."""

    _name = "report.rkt_planning.report_rkt_sop"
    _description = "RKT SOP Sheet"

    @api.model
    def _get_report_values(self, docids, data=None):
        docs = self.env["rkt.sop"].browse(docids)
        return {
            "doc_ids": docids,
            "doc_model": "rkt.sop",
            "docs": docs,
            "get_identity": self._get_identity,
            "get_flowchart": self._get_flowchart,
        }

    # ------------------------------------------------------------------
    # Identity block
    # ------------------------------------------------------------------

    @api.model
    def _get_identity(self, sop):
        company = sop.company_id or self.env.company
        approver = sop.approver_employee_id
        unit = sop.unit_name or "\n".join(
            filter(None, [company.rkt_government_name, company.name])
        )
        return {
            # a template belongs to no agency: no logo (not the placeholder of
            # the current company)
            "logo": image_data_uri(company.logo)
            if sop.company_id and company.logo
            else False,
            "unit": unit.upper(),
            "date_made": format_date_id(sop.date_made) or "-",
            "date_revised": format_date_id(sop.date_revised) or "-",
            "date_approved": format_date_id(sop.date_approved) or "-",
            "approved_by": sop.approved_by or approver.rkt_position or "",
            "approver_title": sop.approver_title
            or sop.approved_by
            or approver.rkt_position
            or "",
            "approver_name": approver.name or sop.approver_name or "",
            "approver_rank": approver.rkt_rank_label or sop.approver_rank or "",
            "approver_nip": approver.nip_formatted or sop.approver_nip or "",
        }

    # ------------------------------------------------------------------
    # Flowchart
    # ------------------------------------------------------------------

    @api.model
    def _estimate_height(self, texts, table_px, bold=False):
        """Height of a row holding ``texts`` ({column: text})."""
        lines = max(
            estimate_lines(
                text,
                COLUMNS[column] / 100.0 * table_px - CELL_PAD_PX,
                FONT_PX,
                bold,
            )
            for column, text in texts.items()
        )
        return math.ceil(lines * LINE_PX + CELL_PAD_PX)

    @api.model
    def _get_flowchart(self, sop):
        """The procedure table: lanes (executor columns) and the step rows, in pages.

        Each row gives, per lane, the ``lines`` (x in %, y in px) and the ``shapes``
        (coordinates relative to the lane's centre) its SVG draws:

        * the step's symbol in each executor lane — a capsule for the start and the
          end, a diamond for a decision, a rectangle for a process — joined by a
          line when the step has several executors;
        * the arrow from the previous step, entering the symbol from above; where a
          page ends, the arrow ends in an off-page connector (a pentagon) naming
          the next step, and the next page starts from the same connector;
        * for a decision, the 'ya' arrow going on down and the 'tidak' arrow going
          sideways to a connector that names the step it returns to; that step shows
          a connector with the numbers of the decisions that return to it.

        Debian's wkhtmltopdf does not repeat a table header on a new page: the rows
        are cut into pages here (their heights are known: the SVG sets them) and
        the template repeats the header.
        """
        steps = sop.step_ids
        lanes = [role for role in ROLE_CODES if any(s[f"role_{role}"] for s in steps)]
        lanes = lanes or list(ROLE_CODES)
        count = len(lanes)
        lane_names = [sop.get_role_name(role) for role in lanes]
        executors = [
            [index for index, role in enumerate(lanes) if step[f"role_{role}"]]
            for step in steps
        ]
        entry, exit_ = self._get_entry_exit(executors)
        position = {step.id: index for index, step in enumerate(steps)}
        sources = {}
        for step in steps:
            if step.kind in DECISION_KINDS and step.return_step_id.id in position:
                sources.setdefault(position[step.return_step_id.id], []).append(step)
        company = sop.company_id or self.env.company
        table_px, page_px = self.env["report.rkt_planning.report_rkt_plan"]._get_page_box(
            "rkt_planning.action_report_rkt_sop", company
        )

        # what each row shows besides the flow, and its height
        rows = []
        for index, step in enumerate(steps):
            returns_to = (
                step.return_step_id
                if step.kind in DECISION_KINDS and step.return_step_id.id in position
                else False
            )
            low, high = min(executors[index]), max(executors[index])
            # 'tidak' and the returns that arrive here go on the free sides of the
            # step's symbols; without one, the remarks column says it
            sides = []
            if low > 0:
                sides.append(("left", low, low - 1))
            if high < count - 1:
                sides.append(("right", high, high + 1))
            connectors, notes = [], []
            if returns_to:
                if sides:
                    connectors.append((sides.pop(0), str(returns_to.number), True))
                else:
                    notes.append(f"tidak: {returns_to.number}")
            if index in sources:
                label = ",".join(str(source.number) for source in sources[index])
                if sides:
                    connectors.append((sides.pop(0), label, False))
                else:
                    notes.append(f"← {label}")
            note = "\n".join(filter(None, [step.note, *notes]))
            time = step.duration_text or f"{step.duration} hari"
            height = max(
                ROW_MIN_HEIGHT.get(_shape_kind(step), ROW_DEFAULT_HEIGHT),
                self._estimate_height(
                    {
                        "name": f"{step.number}. {step.name}",
                        "requirement": step.requirement,
                        "time": time,
                        "output": step.output,
                        "note": note,
                    },
                    table_px,
                ),
            )
            rows.append(
                {
                    "step": step,
                    "time": time,
                    "note": note,
                    "base_height": height,
                    "connectors": connectors,
                }
            )

        header_px = (
            self._estimate_height({"name": "Uraian Prosedur"}, table_px, bold=True)
            + max(
                estimate_lines(name, COLUMNS["lanes"] / count / 100.0 * table_px, FONT_PX)
                for name in lane_names
            )
            * LINE_PX
            + CELL_PAD_PX
            + LINE_PX
            + CELL_PAD_PX
        )
        capacity = page_px * PAGE_FILL - header_px
        heights = [row["base_height"] for row in rows]
        if heights:
            # the last step keeps the closing signature on its page
            heights[-1] += self._estimate_closing(sop, table_px)
        pages = paginate(
            heights, capacity - HEADING_PX, capacity - OFF_PAGE, break_reserve=OFF_PAGE
        )
        for indexes in pages:
            for index in indexes:
                rows[index]["page_top"] = index == indexes[0] and index > 0
                rows[index]["page_bottom"] = (
                    index == indexes[-1] and index < len(rows) - 1
                )
        for index, row in enumerate(rows):
            self._draw_row(row, index, len(rows), executors, entry, exit_, count)
        return {
            "lanes": lane_names,
            "pages": [[rows[index] for index in indexes] for indexes in pages],
            "widths": {**COLUMNS, "lane": round(COLUMNS["lanes"] / count, 3)},
            "columns": 2 + count + 4,
        }

    @api.model
    def _estimate_closing(self, sop, table_px):
        """Height (px) of the closing signature ("Mengetahui," ...): 11 pt text in
        the right 45 % of the page, 12 mm signature space, 3 mm margin."""
        identity = self._get_identity(sop)
        font_px = 11 * 4 / 3
        lines = (
            1
            + estimate_lines(identity["approver_title"], 0.45 * table_px, font_px)
            + sum(
                1
                for key in ("approver_name", "approver_rank", "approver_nip")
                if identity[key]
            )
        )
        return lines * font_px * 1.25 + 15 * 96 / 25.4

    @staticmethod
    def _get_entry_exit(executors):
        """The lane where the flow enters each step and the lane it leaves from:
        of the step's executors, those nearest to the previous and next steps."""
        entry, exit_ = [], []
        for index, lanes in enumerate(executors):
            if index == 0:
                entry.append(lanes[0])
            else:
                previous = exit_[index - 1]
                entry.append(min(lanes, key=lambda lane: (abs(lane - previous), lane)))
            if index + 1 < len(executors):
                following = executors[index + 1]
                exit_.append(
                    min(
                        lanes,
                        key=lambda lane: (min(abs(lane - m) for m in following), lane),
                    )
                )
            else:
                exit_.append(entry[index])
        return entry, exit_

    @api.model
    def _draw_row(self, row, index, total, executors, entry, exit_, count):
        step = row["step"]
        kind = _shape_kind(step)
        is_last = index == total - 1
        top = OFF_PAGE if row["page_top"] else 0
        height = row["base_height"] + top + (OFF_PAGE if row["page_bottom"] else 0)
        cy = top + round((row["base_height"] - BUS_GAP) / 2)
        half_w, half_h = SYMBOLS[kind]
        bus_y = height - BUS_GAP
        lanes = executors[index]
        low, high = min(lanes), max(lanes)
        cells = [{"lines": [], "shapes": []} for __ in range(count)]

        # several executors: one line through their symbols
        if high > low:
            self._hline(cells, low, high, cy)
        # arrow from the previous step, from above (from a connector atop a page)
        if index > 0:
            lane = entry[index]
            start = 0
            if row["page_top"]:
                cells[lane]["shapes"].append(self._pentagon(3, str(step.number)))
                start = 3 + PENTAGON[1]
            cells[lane]["lines"].append(self._vline(start, cy - half_h))
            cells[lane]["shapes"].append(self._arrow_down(cy - half_h))
        # arrow to the next step: down, along the bottom of the row, down again;
        # at the end of a page, down into an off-page connector
        if not is_last:
            start, target = exit_[index], entry[index + 1]
            if row["page_bottom"]:
                pentagon_top = height - PENTAGON[1] - 4
                cells[start]["lines"].append(self._vline(cy + half_h, pentagon_top))
                cells[start]["shapes"].append(self._arrow_down(pentagon_top))
                cells[start]["shapes"].append(
                    self._pentagon(pentagon_top, str(step.number + 1))
                )
            elif start == target:
                cells[start]["lines"].append(self._vline(cy + half_h, height))
            else:
                cells[start]["lines"].append(self._vline(cy + half_h, bus_y))
                self._hline(cells, start, target, bus_y)
                cells[target]["lines"].append(self._vline(bus_y, height))
            if kind == "decision":
                cells[start]["shapes"].append(
                    self._text("ya", 4, cy + half_h + 9, "start")
                )
        for side, label, outgoing in row["connectors"]:
            self._connector(cells, side, cy, half_w, label, outgoing)
        # the symbols, over the lines
        label = ""
        if kind == "terminator":
            label = "Mulai" if step.kind == "start" else "Selesai"
        for lane in lanes:
            cells[lane]["shapes"].append(self._symbol(kind, cy, label))
        row.update({"cells": cells, "height": height})

    # -- drawing primitives ------------------------------------------------

    @staticmethod
    def _vline(y1, y2):
        return {"x1": "50%", "y1": y1, "x2": "50%", "y2": y2}

    @staticmethod
    def _hline(cells, start, end, y):
        """A horizontal line from the centre of lane ``start`` to that of ``end``."""
        low, high = sorted((start, end))
        for lane in range(low, high + 1):
            x1 = "50%" if lane == low else "0%"
            x2 = "50%" if lane == high else "100%"
            cells[lane]["lines"].append({"x1": x1, "y1": y, "x2": x2, "y2": y})

    @staticmethod
    def _polygon(points, fill="#000"):
        return {
            "tag": "polygon",
            "points": " ".join(f"{x},{y}" for x, y in points),
            "fill": fill,
        }

    @classmethod
    def _arrow_down(cls, y):
        return cls._polygon([(-4, y - ARROW), (4, y - ARROW), (0, y)])

    @classmethod
    def _arrow_side(cls, x, y, direction):
        """An arrow head whose point is at (x, y), pointing left (-1) or right (1)."""
        back = x - direction * ARROW
        return cls._polygon([(back, y - 4), (back, y + 4), (x, y)])

    @staticmethod
    def _text(text, x, y, anchor="middle"):
        return {"tag": "text", "x": x, "y": y, "anchor": anchor, "text": text}

    @classmethod
    def _pentagon(cls, top, label):
        """The connector symbol, pointing down, at the lane's centre."""
        half_w, height = PENTAGON
        shape = cls._polygon(
            [
                (-half_w, top),
                (half_w, top),
                (half_w, top + height * 0.55),
                (0, top + height),
                (-half_w, top + height * 0.55),
            ],
            fill="#fff",
        )
        shape.update({"label": label, "label_y": top + 10})
        return shape

    @classmethod
    def _symbol(cls, kind, cy, label=""):
        half_w, half_h = SYMBOLS[kind]
        if kind == "decision":
            return cls._polygon(
                [(-half_w, cy), (0, cy - half_h), (half_w, cy), (0, cy + half_h)],
                fill="#fff",
            )
        return {
            "tag": "rect",
            "x": -half_w,
            "y": cy - half_h,
            "width": 2 * half_w,
            "height": 2 * half_h,
            "rx": half_h if kind == "terminator" else 0,
            "label": label,
            "label_y": cy + 4,
        }

    @classmethod
    def _connector(cls, cells, side, cy, half_w, label, outgoing):
        """A pentagon in the lane next to the symbol, joined to the symbol's side.

        ``outgoing``: the 'tidak' arrow of a decision, from the diamond to the
        pentagon naming the step it returns to; otherwise the returns arriving at
        this step, from the pentagon naming their decisions to the symbol.
        """
        direction, lane, neighbour = side
        sign = -1 if direction == "left" else 1  # towards the neighbour
        cells[lane]["lines"].append(
            {"x1": "50%", "y1": cy, "x2": "0%" if sign < 0 else "100%", "y2": cy}
        )
        cells[neighbour]["lines"].append(
            {"x1": "100%" if sign < 0 else "0%", "y1": cy, "x2": "50%", "y2": cy}
        )
        pentagon_w = PENTAGON[0]
        shapes = cells[neighbour]["shapes"]
        shapes.append(cls._pentagon(cy - 9, label))
        if outgoing:
            shapes.append(cls._arrow_side(-sign * pentagon_w, cy, sign))
            shapes.append(
                cls._text(
                    "tidak", -sign * (pentagon_w + 3), cy - 5, "start" if sign < 0 else "end"
                )
            )
        else:
            cells[lane]["shapes"].append(cls._arrow_side(sign * half_w, cy, -sign))
