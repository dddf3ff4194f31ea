"""Retraining programmes for those facing redundancy: programmes, their members,
destinations and the programme report."""
