"""Stage 4: plan and build briefings: execute the notebook with papermill on a kernel, export,
write manifests, run batches, keep the output folder consistent. Kept light: a no-op
``briefing build`` imports only what it needs to compare hashes."""
