"""Faces of Communiqué: the command line (`ui.cli`) and the Gradio chat (`ui.app`)."""
