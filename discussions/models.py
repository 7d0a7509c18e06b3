"""Models arrive with their issue; the app is installed so its place is settled."""
