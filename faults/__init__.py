"""Fault scripts: the portal's integrity under load and faults, against real
services on loopback (`make faults`; docs/faults.md)."""
