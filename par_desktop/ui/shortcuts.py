"""The keyboard shortcuts, in one place: the widgets bind these and Trợ giúp → Phím tắt lists them
(``SHORTCUT_LIST``), so the list cannot drift from what the keys do. The main window's menu shortcuts
(Ctrl+I, Ctrl+1 …) are listed from its actions themselves."""

from __future__ import annotations

EDIT = "F2"                        # open the selected record's editor (Enter too)
DELETE = "Del"
REPORT_PROGRESS = "Ctrl+R"         # Nhiệm vụ: Báo cáo tiến độ…
PAUSE = "F6"                       # Hồ sơ TTHC: Tạm dừng (chờ bổ sung)
RESUME = "F7"                      # Hồ sơ TTHC: Tiếp tục
RETURN_RESULT = "F8"               # Hồ sơ TTHC: Trả kết quả
HANDOVER = "F9"                    # Hồ sơ TTHC: Chuyển đơn vị
SHORTCUTS_HELP = "F1"

# (where, keys, what) — the keys that are not a menu item of the main window.
SHORTCUT_LIST: list[tuple[str, str, str]] = [
    ("Mọi bảng", "Enter", "Mở dòng đang chọn (sửa, hoặc báo cáo tiến độ nếu không có quyền sửa)"),
    ("Mọi bảng", "Tab / Shift+Tab", "Rời bảng, sang nút hoặc ô kế tiếp (mũi tên: di chuyển trong bảng)"),
    ("Mọi bảng", "Chuột phải, phím Menu, Shift+F10", "Các việc làm được với dòng đang chọn"),
    ("Mọi bảng", "Ctrl+C", "Sao chép các dòng đang chọn (dán vào Excel, Word)"),
    ("Nhiệm vụ", EDIT, "Sửa nhiệm vụ"),
    ("Nhiệm vụ", REPORT_PROGRESS, "Báo cáo tiến độ nhiệm vụ đang chọn"),
    ("Nhiệm vụ", DELETE, "Xóa nhiệm vụ (có hỏi lại)"),
    ("Hồ sơ TTHC", EDIT, "Sửa hồ sơ"),
    ("Hồ sơ TTHC", PAUSE, "Tạm dừng hồ sơ (chờ bổ sung)"),
    ("Hồ sơ TTHC", RESUME, "Tiếp tục xử lý hồ sơ"),
    ("Hồ sơ TTHC", RETURN_RESULT, "Trả kết quả (ghi kết quả và ngày trả, dừng đồng hồ)"),
    ("Hồ sơ TTHC", HANDOVER, "Chuyển hồ sơ sang đơn vị khác"),
    ("Ô ngày, giờ", "Tab", "Sang ô kế tiếp (gõ số: tự sang phần ngày, tháng, năm; ← → để di chuyển)"),
    ("Hộp thoại", "Enter / Esc", "Lưu (nút chính) / Đóng — hỏi lại nếu đã gõ nội dung chưa lưu"),
    ("Ô nội dung nhiều dòng", "Shift+Enter", "Xuống dòng (Enter: lưu)"),
]
