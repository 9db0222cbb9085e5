"""The pilots section: read from the pilots app once it has its models."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class PilotRow:
    id: int
    title: str
    phase: str
    participants: str
    planned: str
    spent: str
    goals: list[tuple[str, str, str, str]]


def pilot_choices(municipality_id: int) -> list[tuple[int, str]]:
    return []


def pilot_rows(municipality_id: int) -> list[PilotRow]:
    return []
