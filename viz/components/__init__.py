"""Dashboard views: one component (and its pure option builder) per module."""
