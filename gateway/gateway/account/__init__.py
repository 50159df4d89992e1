"""The person's own account as a whole: `GET /v1/me/export`, a zip of everything they put in or
got out."""
