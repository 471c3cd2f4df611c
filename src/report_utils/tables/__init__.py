"""Stage 1: read the data folder's tables, check them, and say what a month can
see (periods, formulas, schemas, loading, spreadsheets, reconciliation rules)."""
