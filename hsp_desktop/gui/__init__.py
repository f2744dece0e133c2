"""Qt only. Talks to services, never to sessions or SQL."""
