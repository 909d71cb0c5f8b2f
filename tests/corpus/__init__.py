"""Broken and hostile workbooks, generated at test time (see make.py)."""
