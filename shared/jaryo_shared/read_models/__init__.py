"""Read models: the fields of a collection that services other than its owner may rely on, and
the reader functions that fetch them. A contract, like the events: the owner may add fields,
but not drop or change these without changing the model (docs/architecture.md lists who reads
what through which)."""
