"""Reviewer assignment's internals, pure (no ORM): the conflict-of-interest rules (rules.py), the
affinity of an expert's profile to an application (affinity.py), the min-cost flow with its side
rules and the fairness option (flow.py), the greedy baseline (greedy.py) and the explanation of an
impossible assignment (feasibility.py). The selectors load a call's records into these structures
with a constant number of queries; the services save what they return."""
