"""No widget stores an attribute under the name of one of Qt's own methods.

``self.metric = QComboBox()`` in a QDialog hides ``QPaintDevice.metric()``, which Qt calls as a virtual
function when it paints: PySide6 then calls the combo box, and the dialog fails (depending on what was
painted before, so only in some test orders). The same holds for ``result``, ``done``, ``event``,
``sizeHint`` … This test reads every class of ``par_desktop.ui`` that derives from a Qt class and refuses
``self.<name> = …`` where ``<name>`` is a method of its Qt base.
"""

import ast
import importlib
import inspect
import pkgutil

import par_desktop.ui
from PySide6.QtCore import QObject


def _ui_modules():
    for info in pkgutil.walk_packages(par_desktop.ui.__path__, "par_desktop.ui."):
        yield importlib.import_module(info.name)


def _qt_methods(cls: type) -> set[str]:
    qt_bases = [base for base in cls.__mro__ if base.__module__.startswith("PySide6")]
    return {name for base in qt_bases for name, value in vars(base).items()
            if callable(value) and not name.startswith("_")}


def _assigned_attributes(cls: type) -> set[str]:
    tree = ast.parse(inspect.getsource(cls))
    return {node.attr for node in ast.walk(tree)
            if isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store)
            and isinstance(node.value, ast.Name) and node.value.id == "self"}


def test_no_widget_attribute_hides_a_qt_method():
    hidden = []
    for module in _ui_modules():
        for cls in vars(module).values():
            if inspect.isclass(cls) and cls.__module__ == module.__name__ and issubclass(cls, QObject):
                clashes = _assigned_attributes(cls) & _qt_methods(cls)
                hidden += [f"{cls.__module__}.{cls.__qualname__}.{name}" for name in sorted(clashes)]
    assert hidden == []
