"""Jaryo's shared library: contracts (events, topology) and plumbing (settings, clients, logs).

Service logic never lives here; services import this package, it imports none of them.
"""
