"""Jaryo's operators' tools, run with `python -m jaryo_ops.<tool>`: dead-letter list and replay,
the AsyncAPI document. A package of its own because a library is imported, never run: the shared
library holds contracts and plumbing only, and no service imports this package.
"""
