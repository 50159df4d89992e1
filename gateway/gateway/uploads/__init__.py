"""Uploads: receiving images, staging them, and answering for them afterwards."""
