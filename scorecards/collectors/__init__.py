"""Collectors: talk to the outside world (a directory, GitHub, AWS, Kubernetes) and return facts."""
