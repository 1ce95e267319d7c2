"""The web UI: the Gradio app, its limits, the Documents tab, memos, downloads, feedback and kept conversations."""
