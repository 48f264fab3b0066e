"""The PyInstaller spec, read without building (``make bundle`` builds it; tests/bundle_smoke.py runs it).

The spec is executed the way PyInstaller executes it, with recorders in place of its build steps
(``Analysis``, ``PYZ``, ``EXE``, ``COLLECT``), so what it would ask PyInstaller to collect, leave out
and produce is checked against the files really on disk.
"""

from __future__ import annotations

import ast
import os
import re
import subprocess
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


def test_the_benchmark_builds_its_empty_window_with_the_same_spec(tmp_path, monkeypatch):
    """make bench compares the bundle's start with an empty Qt window bundled by this very spec."""
    entry = REPO / "bench" / "empty_window.py"
    monkeypatch.setenv("PAR_BUNDLE_ENTRY", str(entry))
    monkeypatch.setenv("PAR_BUNDLE_NAME", "empty-window")
    spec = run_spec(tmp_path)
    assert of_kind(spec, "Analysis")[0].args[0] == [str(entry)]
    assert [step.kwargs["name"] for step in of_kind(spec, "EXE")] == ["empty-window"]
    assert of_kind(spec, "COLLECT")[0].kwargs["name"] == "empty-window"


def test_the_holidays_release_is_bundled(spec):
    """The cache of national days off is kept per release of the holidays package, named by its
    .dist-info folder (services.calendar.holidays_release): without it the bundle would read the
    package at every start."""
    datas = of_kind(spec, "Analysis")[0].kwargs["datas"]
    assert any(Path(dest).name.startswith("holidays-") and dest.endswith(".dist-info") for _src, dest in datas)


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
    import PyInstaller.compat

    try:
        import pefile  # noqa: F401
    except ImportError:
        monkeypatch.setitem(sys.modules, "pefile", types.ModuleType("pefile"))
    if not hasattr(PyInstaller.compat, "win32api"):     # defined on Windows only
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
    from par_desktop.app import APP_USER_MODEL_ID

    assert defines["AppUserModelID"] == APP_USER_MODEL_ID        # one taskbar button for shortcut and window
    shortcuts = [line for line in iss.split("[Icons]", 1)[1].split("\n[", 1)[0].splitlines() if line.startswith("Name:")]
    assert len(shortcuts) == 2 and all('AppUserModelID: "{#AppUserModelID}"' in line for line in shortcuts)
    setup = iss.split("[Setup]", 1)[1].split("\n[", 1)[0]
    assert "#ifdef SignTool\nSignTool={#SignTool}\nSignedUninstaller=yes\n#endif" in setup   # signed when asked
    code = iss.split("[Code]", 1)[1].lower()
    assert len(re.findall(r"\bbegin\b", code)) == len(re.findall(r"\bend\b(?!\.)", code))


# ---- the spec's collection logic on the Windows wheels ---------------------------------------------
# The Windows bundle is built on Windows, but what the spec keeps of each wheel can be checked here: the
# win_amd64 wheels of the binary packages the app imports are fetched once with
# `pip download --platform win_amd64 --only-binary=:all:` (cached in tests/.cache/, gitignored; pip's
# own cache makes a fresh clone quick) and their DLLs and extensions are given to the spec as
# PyInstaller's Analysis would list them. PySide6-Addons (QtPdf, QtCharts; 150 MB) is left out.

WINDOWS_WHEELS = ("psycopg2-binary", "PySide6-Essentials", "shiboken6", "pillow", "lxml", "argon2-cffi-bindings",
                  "cffi", "python-calamine", "markupsafe")
WHEEL_CACHE = REPO / "tests" / ".cache" / "wheels-win_amd64"
# The plugin folders PyInstaller's Qt hooks collect for the Qt modules the app imports (and QtNetwork,
# which QtGui's libraries link): PyInstaller/utils/hooks/qt/_modules_info.py.
QT_PLUGIN_FOLDERS = {"accessiblebridge", "egldeviceintegrations", "generic", "iconengines", "imageformats",
                     "platforms", "platforminputcontexts", "platformthemes", "xcbglintegrations", "styles",
                     "printsupport", "networkaccess", "networkinformation", "tls"}


def windows_wheels() -> list[Path]:
    """The win_amd64 wheels of the versions installed here (downloaded on first use)."""
    from importlib.metadata import version

    wanted = [f"{name}=={version(name)}" for name in WINDOWS_WHEELS]
    WHEEL_CACHE.mkdir(parents=True, exist_ok=True)
    stamp = WHEEL_CACHE / "requirements.txt"
    if not stamp.exists() or stamp.read_text() != "\n".join(wanted):
        for old in WHEEL_CACHE.glob("*.whl"):
            old.unlink()
        proc = subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--platform", "win_amd64",
                               "--only-binary=:all:", "--python-version", "3.11", "--implementation", "cp",
                               "--no-deps", "-d", str(WHEEL_CACHE), *wanted],
                              capture_output=True, text=True, timeout=900)
        if proc.returncode != 0:
            reason = f"pip download of the win_amd64 wheels failed: {(proc.stderr or proc.stdout).strip()[-300:]}"
            if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
                pytest.fail(reason + " (CI must check the Windows bundle's contents)", pytrace=False)
            pytest.skip(reason)
        stamp.write_text("\n".join(wanted))
    return sorted(WHEEL_CACHE.glob("*.whl"))


def windows_toc(wheels: list[Path], root: Path, spec: dict) -> list[tuple[str, str, str]]:
    """The binaries PyInstaller's Analysis would hand the spec on Windows: the extensions of the modules
    the app imports (the Qt ones of launcher.QT_MODULES, nothing the spec excludes), the Qt plugins of
    those modules, and every DLL (the spec's pruning keeps those something loads)."""
    import zipfile

    excluded = set(spec["QT_EXCLUDED"]) | set(spec["PY_EXCLUDED"])
    qt_imported = set(spec["QT_MODULES"])
    toc = []
    for wheel in wheels:
        with zipfile.ZipFile(wheel) as archive:
            for name in archive.namelist():
                suffix = name.rsplit(".", 1)[-1].lower()
                if suffix not in ("dll", "pyd"):
                    continue
                parts = name.split("/")
                if parts[1:2] == ["plugins"] and parts[2] not in QT_PLUGIN_FOLDERS:
                    continue
                src = archive.extract(name, root)
                if suffix == "dll":
                    toc.append((name, src, "BINARY"))
                    continue
                module = name.split(".", 1)[0].replace("/", ".")
                if module in excluded or any(module.startswith(e + ".") for e in excluded):
                    continue
                if module.startswith("PySide6.") and module not in qt_imported:
                    continue
                toc.append((name, src, "EXTENSION"))
    return toc


@pytest.fixture(scope="module")
def windows_bundle(tmp_path_factory):
    pytest.importorskip("pefile")
    root = tmp_path_factory.mktemp("win-wheels")
    toc = windows_toc(windows_wheels(), root, run_spec(root))
    kept = run_spec(tmp_path_factory.mktemp("spec-win"), binaries=toc)["a"].binaries
    return toc, kept


def test_windows_bundle_keeps_every_dll_a_kept_binary_loads(windows_bundle):
    """Each DLL that a kept extension or DLL imports, when a wheel provides it, is in the bundle —
    whichever folder of the wheel it lives in (psycopg2_binary.libs, PySide6, shiboken6)."""
    toc, kept = windows_bundle
    spec_functions = run_spec(Path(toc[0][1]).parent)
    provided = {Path(dest).name.lower(): dest for dest, _, _ in toc}
    kept_names = {Path(dest).name.lower() for dest, _, _ in kept}
    missing = {}
    for dest, src, _ in kept:
        for name in spec_functions["pe_imports"](src):
            if name.lower() in provided and name.lower() not in kept_names:
                missing.setdefault(dest, []).append(provided[name.lower()])
    assert not missing, missing
    for prefix in ("libpq-", "libssl-", "libcrypto-"):       # the PostgreSQL driver's own DLLs
        assert any(name.startswith(prefix) for name in kept_names), prefix
    for name in ("qt6core.dll", "qt6gui.dll", "qt6widgets.dll", "qt6printsupport.dll", "qt6svg.dll",
                 "qwindows.dll", "qmodernwindowsstyle.dll", "pyside6.abi3.dll", "shiboken6.abi3.dll"):
        assert name in kept_names, name


def test_windows_bundle_still_prunes_what_nothing_loads(windows_bundle):
    toc, kept = windows_bundle
    kept_names = {Path(dest).name.lower() for dest, _, _ in kept}
    assert "qt6sql.dll" in {Path(dest).name.lower() for dest, _, _ in toc}
    assert "qt6sql.dll" not in kept_names                      # QtSql is not imported: its library goes
    assert not any(name.startswith(("qt6qml", "qt6quick", "qt6webengine")) for name in kept_names)
    assert "opengl32sw.dll" not in kept_names


# ---- --bundle-check ------------------------------------------------------------------------------------

def run_bundle_check(extra_path: Path | None = None) -> subprocess.CompletedProcess:
    """``--bundle-check`` run from the source tree, as support staff run it on a clerk's machine."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=os.pathsep.join(
        str(p) for p in (extra_path, REPO) if p is not None))
    return subprocess.run([sys.executable, str(REPO / "installer" / "launcher.py"), "--bundle-check"],
                          capture_output=True, text=True, timeout=300, env=env, cwd=REPO)


@pytest.mark.slow
def test_bundle_check_fails_when_the_postgresql_driver_cannot_load_its_dlls(tmp_path):
    good = run_bundle_check()
    assert good.returncode == 0, good.stderr
    assert "postgresql driver psycopg2 2." in good.stdout and good.stdout.strip().endswith("ok")

    broken = tmp_path / "psycopg2"     # what a bundle without libpq does on Windows
    broken.mkdir()
    (broken / "__init__.py").write_text(
        'raise ImportError("DLL load failed while importing _psycopg: The specified module could not be found.")\n')
    proc = run_bundle_check(tmp_path)
    assert proc.returncode == 1
    assert ("error: postgresql driver psycopg2: ImportError: DLL load failed while importing _psycopg"
            in proc.stderr)
    assert "postgresql driver: none" not in proc.stdout and not proc.stdout.strip().endswith("ok")


def test_a_library_that_cannot_load_is_reported_with_the_systems_reason(tmp_path):
    import ctypes.util
    import importlib.util
    import shutil

    loader = importlib.util.spec_from_file_location("launcher_under_test", REPO / "installer" / "launcher.py")
    launcher = importlib.util.module_from_spec(loader)
    loader.loader.exec_module(launcher)
    system_library = ctypes.util.find_library("z") or ctypes.util.find_library("c")
    found = next((Path(folder) / system_library for folder in ("/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu",
                                                                 "/lib64", "/usr/lib64", "/lib", "/usr/lib")
                  if (Path(folder) / system_library).is_file()), None)
    if found is None:
        pytest.skip(f"no loadable copy of {system_library} found here")
    shutil.copy(found, tmp_path / "good.so")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "broken.dll").write_bytes(b"MZ" + bytes(200))
    failed = launcher.unloadable([tmp_path / "good.so", tmp_path / "sub" / "broken.dll"])
    assert [path.name for path, _ in failed] == ["broken.dll"] and failed[0][1]
