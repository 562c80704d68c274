"""Pure analytics for community safety: no Django, usable from a notebook.

Every function works on numpy arrays or a pandas DataFrame of incidents (see ``frame``),
names its method and reference in its docstring, and returns a small dataclass that carries
the parameters it used so a report can state them.
"""
