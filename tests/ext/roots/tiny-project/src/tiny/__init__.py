"""A package for the extension tests to build a wheel of."""
