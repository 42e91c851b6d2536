"""Meili 美丽 — the open platform for China's Beautiful China Pilot Zones (美丽中国先行区)."""

__version__ = "0.1.0"
