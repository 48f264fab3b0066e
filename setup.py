"""Build script. The project's metadata and dependencies are in ``setup.cfg``; this only puts the
top-level ``resources/`` and ``forms/`` folders inside the built package (``par_desktop/resources``,
``par_desktop/forms``) so that a wheel, and ``pip install .``, has them. ``par_desktop.assets`` finds
them there, in the source tree for an editable install, or in a PyInstaller bundle.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ASSET_FOLDERS = ("resources", "forms")
# build helpers such as resources/icons/make_ico.py are not assets
NOT_ASSETS = shutil.ignore_patterns("*.py", "*.pyc", "__pycache__")


class BuildWithAssets(build_py):
    def run(self):
        super().run()
        if getattr(self, "editable_mode", False):   # an editable install reads them in place
            return
        for folder in ASSET_FOLDERS:
            shutil.copytree(Path(__file__).resolve().parent / folder, Path(self.build_lib, "par_desktop", folder),
                            ignore=NOT_ASSETS, dirs_exist_ok=True)


setup(cmdclass={"build_py": BuildWithAssets})
