"""Sqitch-compatible plan files and PostgreSQL registry, written for Pulse.

`plan` reads and appends `sqitch.plan` files byte-for-byte as Sqitch 1.3 does and
computes the same change and tag ids; `registry` reads and writes the rows of a
Sqitch 1.1 registry so that real `sqitch` and Pulse can share a database.
"""
