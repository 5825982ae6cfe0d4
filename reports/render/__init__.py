"""Renderers: Word, HTML, charts, PDF."""
