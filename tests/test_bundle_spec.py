"""The PyInstaller spec, read without building (``make bundle`` builds it; tests/bundle_smoke.py runs it).

The spec is executed the way PyInstaller executes it, with recorders in place of its build steps
(``Analysis``, ``PYZ``, ``EXE``, ``COLLECT``), so what it would ask PyInstaller to collect, leave out
and produce is checked against the files really on disk.
"""

from __future__ import annotations

import ast
import re
import os
import sys
import types
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SPEC = REPO / "build_installer.spec"
DATA_FOLDERS = ("resources/fonts", "resources/templates", "resources/icons", "forms")
QT_LIB = Path(__import__("PySide6").__file__).parent / "Qt" / "lib"


class Recorder:
    """Stands for one PyInstaller build step and keeps what it was given."""

    made: list[Recorder]

    def __init__(self, *args, **kwargs):
        self.args, self.kwargs = args, kwargs
        self.made.append(self)


def run_spec(tmp_path: Path, binaries: list | None = None, extra_datas: list | None = None) -> dict:
    made: list[Recorder] = []

    class Analysis(Recorder):
        def __init__(self, scripts, **kwargs):
            super().__init__(scripts, **kwargs)
            self.scripts = [(Path(s).stem, s, "PYSOURCE") for s in scripts]
            self.pure = []
            self.binaries = list(binaries or [])
            # PyInstaller's TOC form: (destination file, source file, type)
            self.datas = [(f"{dest}/{Path(src).name}", src, "DATA") for src, dest in kwargs["datas"]]
            self.datas += list(extra_datas or [])

    steps = {name: type(name, (Recorder,), {"made": made}) for name in ("PYZ", "EXE", "COLLECT")}
    Analysis.made = made
    namespace = {"SPECPATH": str(REPO), "workpath": str(tmp_path), "Analysis": Analysis, **steps,
                 "__file__": str(SPEC)}
    saved_path = list(sys.path)   # the spec puts installer/ on it to read launcher.QT_MODULES
    try:
        exec(compile(SPEC.read_text(encoding="utf-8"), str(SPEC), "exec"), namespace)
    finally:
        sys.path[:] = saved_path
    namespace["made"] = made
    return namespace


@pytest.fixture(scope="module")
def spec(tmp_path_factory):
    return run_spec(tmp_path_factory.mktemp("spec"))


def of_kind(spec: dict, kind: str) -> list[Recorder]:
    return [step for step in spec["made"] if type(step).__name__ == kind]


def test_data_folders_exist_and_every_file_in_them_is_bundled(spec):
    analysis = of_kind(spec, "Analysis")[0]
    bundled = {(Path(src).resolve(), dest.replace("\\", "/")) for src, dest in analysis.kwargs["datas"]}
    for folder in DATA_FOLDERS:
        files = [p for p in (REPO / folder).rglob("*") if p.is_file() and p.suffix != ".py"
                 and "__pycache__" not in p.parts]
        assert files, f"{folder} is empty: the app would start without its {folder}"
        for path in files:
            assert (path.resolve(), str(path.parent.relative_to(REPO)).replace("\\", "/")) in bundled, path
    fonts = [dest for src, dest in analysis.kwargs["datas"] if src.endswith(".ttf")]
    assert len(fonts) >= 4 and set(fonts) == {"resources/fonts"}
    assert not any(src.endswith(".py") for src, _ in analysis.kwargs["datas"])  # make_ico.py stays out


def test_holiday_names_of_both_languages_are_bundled(spec):
    datas = of_kind(spec, "Analysis")[0].kwargs["datas"]
    locales = {Path(dest).parts[-2] for src, dest in datas if src.endswith("VN.mo")}
    assert {"vi", "en_US"} <= locales


def test_every_project_module_and_the_needed_qt_modules_are_imported(spec):
    hidden = set(of_kind(spec, "Analysis")[0].kwargs["hiddenimports"])
    for path in (REPO / "par_desktop").rglob("*.py"):
        parts = path.relative_to(REPO).with_suffix("").parts
        if "__pycache__" not in parts:
            assert ".".join(parts[:-1] if parts[-1] == "__init__" else parts) in hidden, path
    for module in ("QtPdf", "QtPdfWidgets", "QtCharts", "QtPrintSupport", "QtSvg", "QtWidgets"):
        assert f"PySide6.{module}" in hidden
    assert "holidays.countries.vietnam" in hidden


def test_unused_qt_is_left_out_without_excluding_what_is_needed(spec):
    analysis = of_kind(spec, "Analysis")[0]
    excludes = set(analysis.kwargs["excludes"])
    for module in ("QtWebEngineCore", "QtQml", "QtQuick", "Qt3DCore", "QtMultimedia", "QtBluetooth"):
        assert f"PySide6.{module}" in excludes
    assert not excludes & set(analysis.kwargs["hiddenimports"])


def test_qt_translations_and_webengine_files_are_filtered_but_ours_stay(tmp_path):
    ours = ("resources/translations/vi.qm", "/src/resources/translations/vi.qm", "DATA")
    qt_translation = ("PySide6/Qt/translations/qtbase_de.qm", "/x/qtbase_de.qm", "DATA")
    spec = run_spec(tmp_path, extra_datas=[ours, qt_translation])
    kept = spec["a"].datas
    assert ours in kept and qt_translation not in kept
    assert not spec["keep"]("PySide6/Qt/lib/libQt6WebEngineCore.so.6")
    assert not spec["keep"]("PySide6\\translations\\qtbase_fr.qm")      # Windows layout
    assert not spec["keep"]("PySide6/plugins/imageformats/qtiff.dll")
    assert spec["keep"]("PySide6/Qt/plugins/imageformats/libqsvg.so")
    assert spec["keep"]("PySide6/Qt/plugins/platforms/libqoffscreen.so")
    assert spec["keep"]("PySide6/plugins/printsupport/windowsprintersupport.dll")
    assert spec["keep"]("pillow.libs/libxcb-9065bb12.so.1.1.0")           # a wheel's own copy stays
    if sys.platform.startswith("linux"):
        assert not spec["keep"]("libX11.so.6")                            # every Linux desktop has it


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="uses the Linux wheel's libraries")
def test_libraries_only_dropped_plugins_needed_are_removed(tmp_path):
    qtcore = Path(__import__("PySide6.QtCore").QtCore.__file__)
    binaries = [
        ("PySide6/QtCore.abi3.so", str(qtcore), "EXTENSION"),
        ("PySide6/Qt/lib/libQt6Core.so.6", str(QT_LIB / "libQt6Core.so.6"), "BINARY"),
        ("PySide6/Qt/lib/libicuuc.so.73", str(next(QT_LIB.glob("libicuuc.so.*"))), "BINARY"),
        ("PySide6/Qt/lib/libQt6Sql.so.6", str(QT_LIB / "libQt6Sql.so.6"), "BINARY"),     # nobody needs it
        ("libQt6Sql.so.6", "PySide6/Qt/lib/libQt6Sql.so.6", "SYMLINK"),
        ("libQt6Core.so.6", "PySide6/Qt/lib/libQt6Core.so.6", "SYMLINK"),
    ]
    kept = {dest for dest, _, _ in run_spec(tmp_path, binaries=binaries)["a"].binaries}
    assert kept == {"PySide6/QtCore.abi3.so", "PySide6/Qt/lib/libQt6Core.so.6", "PySide6/Qt/lib/libicuuc.so.73",
                    "libQt6Core.so.6"}


def test_executables_console_and_windowed_without_upx(spec):
    exes = of_kind(spec, "EXE")
    names = {exe.kwargs["name"]: exe.kwargs for exe in exes}
    assert names["par-desktop"]["console"] is True
    if sys.platform in ("win32", "darwin"):
        assert names["PAR Desktop"]["console"] is False
    assert all(exe.kwargs["upx"] is False and exe.kwargs["exclude_binaries"] for exe in exes)
    assert ("X utf8", None, "OPTION") in exes[0].args[2]
    collect = of_kind(spec, "COLLECT")[0]
    assert collect.kwargs["name"] == "par-desktop" and collect.kwargs["upx"] is False
    assert Path(spec["ICON"]).is_file(), "resources/icons/app.ico is needed for the Windows build"


def test_windows_version_resource_carries_the_package_version(spec, tmp_path, monkeypatch):
    """Serialised with PyInstaller's own classes (their pefile import is only used on .exe files)."""
    version = next(node.value.value for node in ast.parse((REPO / "par_desktop" / "__init__.py").read_text()).body
                   if isinstance(node, ast.Assign) and node.targets[0].id == "__version__")
    assert spec["VERSION"] == version
    try:
        import pefile  # noqa: F401
    except ImportError:
        import PyInstaller.compat

        monkeypatch.setitem(sys.modules, "pefile", types.ModuleType("pefile"))
        monkeypatch.setattr(PyInstaller.compat, "win32api", None, raising=False)
    monkeypatch.delitem(sys.modules, "PyInstaller.utils.win32.versioninfo", raising=False)
    from PyInstaller.utils.win32 import versioninfo

    path = tmp_path / "version_info.txt"
    path.write_text(spec["version_resource"](version), encoding="utf-8")
    info = versioninfo.load_version_info_from_text_file(os.fspath(path))
    numbers = [int(n) for n in version.split(".")] + [0] * (4 - len(version.split(".")))
    assert info.ffi.fileVersionMS == (numbers[0] << 16) | numbers[1]
    assert info.ffi.fileVersionLS == (numbers[2] << 16) | numbers[3]
    text = str(info)
    assert f"'ProductVersion', '{version}'" in text and "Văn phòng Sở" in text
    assert len(info.toRaw()) > 200


def test_installer_script_agrees_with_the_spec_and_the_app(spec):
    """installer/par-desktop.iss is compiled on Windows only; what it takes from elsewhere must match."""
    from par_desktop.db.connection import DEFAULT_FILENAME, ENV_VAR

    raw = (REPO / "installer" / "par-desktop.iss").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "UTF-8 with BOM, so any Inno Setup 6 reads the Vietnamese text"
    iss = raw.decode("utf-8-sig")
    defines = dict(re.findall(r'^#define (\w+) "(.*)"$', iss, re.M))
    assert defines["CliExe"] == f"{spec['CLI_NAME']}.exe" and defines["GuiExe"] == f"{spec['GUI_NAME']}.exe"
    assert defines["BundleDir"] == "..\\dist\\" + of_kind(spec, "COLLECT")[0].kwargs["name"]
    icon = re.search(r"^SetupIconFile=(.+)$", iss, re.M).group(1)
    assert (REPO / "installer" / icon.replace("\\", "/")).resolve() == Path(spec["ICON"]).resolve()
    assert f"EnvName = '{ENV_VAR}';" in iss and f"DefaultFileName = '{DEFAULT_FILENAME}';" in iss
    assert "PrivilegesRequired=admin" in iss and r"DefaultDirName={autopf}\{#AppName}" in iss
    code = iss.split("[Code]", 1)[1].lower()
    assert len(re.findall(r"\bbegin\b", code)) == len(re.findall(r"\bend\b(?!\.)", code))
