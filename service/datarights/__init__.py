"""Data rights: a worker's export of everything Ladder holds about them, erasure by
pseudonymisation (on request, by an admin, or by `ladder retention`), and their access log."""
