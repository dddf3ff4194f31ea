"""Ladder: lifelong-learning accounts and training matching for workers whose jobs are at risk."""
