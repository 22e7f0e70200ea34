"""The audit log: a keyed hash chain of every change, the rows it vouches for, signed checkpoints.

`make_session_factory` logs every ORM flush; `record` logs bulk writes made with Core;
`verify_chain`, `verify_rows` and `verify_checkpoints` together are `tanzhi audit verify`
(issue #8, deliverable 8).
"""

from tanzhi.kernel.audit.bulk import BulkRows
from tanzhi.kernel.audit.chain import (
    AUDITED_ENTITIES,
    GENESIS,
    AuditEntry,
    AuditFinding,
    AuditHead,
    content_version,
    entry_hash,
    is_audited,
    make_session_factory,
    record,
    unkeyed_hash,
    verify_chain,
)
from tanzhi.kernel.audit.checkpoint import (
    AuditCheckpoint,
    Checkpoint,
    verify_checkpoints,
    write_checkpoint,
)
from tanzhi.kernel.audit.images import REDACTED_PREFIX, canonical
from tanzhi.kernel.audit.log import (
    AuditFilter,
    AuditLine,
    audit_actors,
    audit_tables,
    count_entries,
    list_entries,
)
from tanzhi.kernel.audit.rows import verify_rows

__all__ = [
    "AUDITED_ENTITIES",
    "GENESIS",
    "REDACTED_PREFIX",
    "AuditCheckpoint",
    "AuditEntry",
    "AuditFilter",
    "AuditFinding",
    "AuditHead",
    "AuditLine",
    "BulkRows",
    "Checkpoint",
    "audit_actors",
    "audit_tables",
    "canonical",
    "content_version",
    "count_entries",
    "entry_hash",
    "is_audited",
    "list_entries",
    "make_session_factory",
    "record",
    "unkeyed_hash",
    "verify_chain",
    "verify_checkpoints",
    "verify_rows",
    "write_checkpoint",
]
