"""XCRI-CAP 1.2 feeds read into the native catalogue: `parse.parse_xcri` is the entry point."""
