"""A second line of defence for staged files: an S3 lifecycle rule on the staging bucket, where
the server supports one. It has day granularity and is set a day later than the janitor's own
limit, so the janitor stays the one that acts, precisely; the rule only catches what a janitor
that is not running would leave."""

from __future__ import annotations

import logging
import math

from minio.error import S3Error

from janitor.bootstrap import Dependencies

log = logging.getLogger(__name__)

RULE_ID = "jaryo-staging-expiry"


def install_staging_expiry(deps: Dependencies) -> int | None:
    """Install the rule; returns its days, or None where the server has no lifecycle rules."""
    days = math.ceil(deps.settings.staging_retention_hours / 24) + 1
    try:
        deps.store.expire_after_days(deps.settings.bucket_staging, days, RULE_ID)
    except S3Error as exc:
        log.warning("the S3 server takes no lifecycle rule on the staging bucket: %s", exc)
        return None
    log.info("staging objects also expire after %d days (S3 lifecycle rule)", days)
    return days
