"""The command line: `assistant ask | chat | ingest | serve | eval`, each command a thin face over the stages."""
