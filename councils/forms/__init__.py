"""Forms of the councils pages, one module per concern (bodies, agreements, people, areas)."""
