"""Qt models of the Chỉ số CCHC page: the criteria tree (QAbstractItemModel over the service's
``ScoreNode`` tree) and the filter in front of it.

Columns: code, title, maximum, last year's points, computed (metric) points, self-score, appraised score,
evidence count, unit in charge, state. A sub-criterion with points claimed and no evidence is red with the
words "thiếu TLKC"; rows at risk carry the points at risk in the state column (colour and text, never
colour alone).
"""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtGui import QBrush, QFont

from par_desktop.domain.par_index import KIND_LABELS, RISK_LABELS, STATE_LABELS, vn_percent, vn_points
from par_desktop.domain.text import fold
from par_desktop.services.par_index.scoring import ScoreNode
from par_desktop.ui.status_style import AMBER, GREEN, GREY, RED, state_background

NODE_ROLE = Qt.ItemDataRole.UserRole + 1

COLUMNS = ("Mã", "Lĩnh vực, tiêu chí, tiêu chí thành phần", "Tối đa", "Năm trước", "Tự tính", "Tự chấm", "Thẩm định",
           "TLKC", "Đơn vị chủ trì", "Tình trạng")
(CODE, TITLE, MAX, LAST, COMPUTED, SELF, APPRAISED, EVIDENCE, UNIT, STATE) = range(len(COLUMNS))
_NUMERIC = {MAX, LAST, COMPUTED, SELF, APPRAISED, EVIDENCE}
_TOOLTIPS = {
    LAST: "Điểm năm trước của tiêu chí cùng mã (điểm thẩm định, nếu chưa có thì điểm tự đánh giá)",
    COMPUTED: "Điểm tự tính theo chỉ tiêu và thang điểm, từ dữ liệu hiện có",
    EVIDENCE: "Số tài liệu kiểm chứng (một tài liệu phục vụ nhiều tiêu chí chỉ tính một lần ở cấp trên)",
}


def state_text(node: ScoreNode) -> str:
    """What the state column says: the workflow state, the points at risk or lost, the red flag."""
    parts = []
    if node.red_flag and node.is_leaf:
        parts.append("Thiếu TLKC")
    if node.is_leaf and node.state:
        parts.append(STATE_LABELS[node.state])
    if node.at_risk:
        parts.append(f"nguy cơ mất {vn_points(node.at_risk)}")
    if node.lost and node.appraised_points is not None:
        parts.append(f"mất {vn_points(node.lost)}")
    if node.is_leaf and not parts:
        parts.append("Chưa chấm" if node.kind == "normal" else KIND_LABELS[node.kind])
    return "; ".join(parts)


def risk_tooltip(node: ScoreNode) -> str:
    lines = [node.title]
    if node.metric and node.metric_value is not None:
        lines.append(f"Chỉ tiêu tự tính: {vn_percent(node.metric_value)}")
    if node.at_risk:
        lines.append(f"Có nguy cơ mất {vn_points(node.at_risk)} điểm: "
                     + "; ".join(RISK_LABELS[r] for r in node.risk_reasons))
    if node.red_flag:
        lines.append("Có điểm tự đánh giá nhưng chưa có tài liệu kiểm chứng.")
    return "\n".join(lines)


class IndexTreeModel(QAbstractItemModel):
    """The criteria tree of one year's report."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.roots: list[ScoreNode] = []
        self._rows: dict[int, int] = {}

    def set_roots(self, roots: list[ScoreNode]) -> None:
        self.beginResetModel()
        self.roots = roots
        self._rows = {}
        for siblings in [roots, *(n.children for root in roots for n in root.walk())]:
            for row, node in enumerate(siblings):
                self._rows[id(node)] = row
        self.endResetModel()

    def node(self, index: QModelIndex | QPersistentModelIndex) -> ScoreNode | None:
        return index.internalPointer() if index.isValid() else None

    # ---- structure ----------------------------------------------------------------------------------

    def index(self, row: int, column: int, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> QModelIndex:
        if column < 0 or column >= len(COLUMNS) or row < 0:
            return QModelIndex()
        siblings = self.node(parent).children if parent.isValid() else self.roots
        if row >= len(siblings):
            return QModelIndex()
        return self.createIndex(row, column, siblings[row])

    def parent(self, index: QModelIndex | QPersistentModelIndex = QModelIndex()) -> QModelIndex:  # type: ignore[override]
        node = self.node(index)
        if node is None or node.parent is None:
            return QModelIndex()
        return self.createIndex(self._rows[id(node.parent)], 0, node.parent)

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        if parent.isValid():
            return len(self.node(parent).children) if parent.column() == 0 else 0
        return len(self.roots)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return len(COLUMNS)

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(COLUMNS):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        if role == Qt.ItemDataRole.ToolTipRole:
            return _TOOLTIPS.get(section)
        if role == Qt.ItemDataRole.TextAlignmentRole and section in _NUMERIC:
            return int(Qt.AlignmentFlag.AlignCenter)
        return None

    # ---- data ---------------------------------------------------------------------------------------

    def text(self, node: ScoreNode, column: int) -> str:
        if column == CODE:
            return node.code
        if column == TITLE:
            label = KIND_LABELS[node.kind] if node.level == 0 and node.kind != "normal" else ""
            return node.title if not label or label.lower() in node.title.lower() else f"{node.title} ({label})"
        if column == MAX:
            return vn_points(node.max_points)
        if column == LAST:
            return vn_points(node.last_year_points)
        if column == COMPUTED:
            return vn_points(node.computed_points)
        if column == SELF:
            return vn_points(node.self_points)
        if column == APPRAISED:
            return vn_points(node.appraised_points)
        if column == EVIDENCE:
            return str(node.evidence_count) if node.evidence_count or node.is_leaf else ""
        if column == UNIT:
            return node.unit
        return state_text(node)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        node = self.node(index)
        if node is None:
            return None
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self.text(node, column)
        if role == NODE_ROLE:
            return node
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if column in _NUMERIC:
                return int(Qt.AlignmentFlag.AlignCenter | Qt.AlignmentFlag.AlignVCenter)
            return int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.FontRole and node.level == 0:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ForegroundRole:
            return self._foreground(node, column)
        if role == Qt.ItemDataRole.BackgroundRole and column == STATE and node.is_leaf:
            state = "overdue" if node.red_flag else "at_risk" if node.at_risk else None
            return QBrush(state_background(state)) if state else None
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == COMPUTED and node.metric:
                return f"{node.metric}: {vn_percent(node.metric_value)}\nThang điểm: {node.bands}"
            return risk_tooltip(node)
        return None

    def _foreground(self, node: ScoreNode, column: int):
        if column == STATE or (column == EVIDENCE and node.is_leaf):
            if node.red_flag:
                return QBrush(RED)
            if node.at_risk:
                return QBrush(AMBER)
            if node.is_leaf and node.state == "accepted":
                return QBrush(GREEN)
            return QBrush(GREY) if column == STATE else None
        if column == APPRAISED and node.appraised_points is not None and node.self_points is not None \
                and node.appraised_points < node.self_points - 1e-9:
            return QBrush(RED)
        if node.kind == "penalty" and column in (MAX, SELF, APPRAISED):
            return QBrush(RED)
        return None

    def index_of(self, criterion_id: int) -> QModelIndex:
        for root in self.roots:
            for node in root.walk():
                if node.id == criterion_id:
                    return self.createIndex(self._rows[id(node)], 0, node)
        return QModelIndex()


class IndexFilterModel(QSortFilterProxyModel):
    """Search (accent-insensitive, on code, title and unit) and a view: every row, rows at risk, rows
    missing evidence, or one unit's rows; parents of a matching row stay visible."""

    VIEWS = (("Tất cả tiêu chí", "all"), ("Có nguy cơ mất điểm", "risk"), ("Thiếu tài liệu kiểm chứng", "missing"),
             ("Chưa chấm", "unscored"), ("Chờ Văn phòng duyệt", "submitted"))

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setRecursiveFilteringEnabled(True)
        self._words: list[str] = []
        self._view = "all"
        self._unit_id: int | None = None

    def set_search(self, text: str) -> None:
        self.beginFilterChange()
        self._words = fold(text).split()
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def set_view(self, view: str, unit_id: int | None = None) -> None:
        self.beginFilterChange()
        self._view, self._unit_id = view, unit_id
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: QModelIndex | QPersistentModelIndex) -> bool:
        model = self.sourceModel()
        node = model.node(model.index(source_row, 0, source_parent))
        if node is None:
            return False
        if self._unit_id is not None and (node.unit_id != self._unit_id and self._unit_id not in node.coordinator_ids):
            return False
        if self._view != "all":
            if not node.is_leaf:
                return False
            if self._view == "risk" and not node.at_risk:
                return False
            if self._view == "missing" and (node.evidence_count or node.kind != "normal"):
                return False
            if self._view == "unscored" and (node.self_points is not None or node.kind != "normal"):
                return False
            if self._view == "submitted" and node.state != "submitted":
                return False
        if self._words:
            key = fold(f"{node.path} {node.title} {node.unit}")
            return all(word in key for word in self._words)
        return True
