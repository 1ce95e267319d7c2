"""The edges: command line, web UI, corpus watcher, evaluation. Nothing below imports these."""
