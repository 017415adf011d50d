"""Code actions: explain, edit on instruction, fix and presets, streamed into the editor."""
