"""Create the exchanges, queues, buckets and indexes the cluster needs (idempotent)."""

from jaryo_shared.provision import provision
from jaryo_shared.settings import Settings

if __name__ == "__main__":
    provision(Settings())
    print("provisioned exchanges, queues, buckets and indexes")
