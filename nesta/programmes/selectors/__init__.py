"""Reads of the programmes, one module per part (funding, calls, applications, conflicts,
assignment, scores, selection, projects, budget, subsidies)."""
