"""The ``par-desktop`` command line. Each ``cmd_*`` module registers one group of commands.

Command modules import only argparse and the standard library at the top, so ``par-desktop deadline``
starts fast and never loads Qt, reportlab or python-docx; handlers import what they need.
"""
