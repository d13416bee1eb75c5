"""Pure parsers that turn repository files into facts (see docs/repo-facts.md)."""
