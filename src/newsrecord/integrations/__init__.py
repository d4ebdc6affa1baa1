"""Integrations with other engines; each module needs its own optional dependencies."""
