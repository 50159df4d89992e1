"""Accounts and tokens: registration, sign-in, refresh, and the bearer check on every route."""
