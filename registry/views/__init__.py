"""The registry's pages. Views are thin: selectors read, services write, policies decide."""
