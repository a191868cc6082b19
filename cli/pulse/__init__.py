"""Pulse: the lifecycle CLI of a database-first operations platform."""

__version__ = "0.1.0"
