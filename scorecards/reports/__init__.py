"""Renderings of a report for people and tools: text, JSON and SARIF 2.1.0."""
