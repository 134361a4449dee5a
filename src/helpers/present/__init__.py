"""Presentation stage: the table renderer, the shared chart style and every chart of the book."""
