"""Output: tables, JSON and CSV from rows; documents from templates."""
