"""Reviewer assignment's internals. Pure (numpy, no ORM): the conflict-of-interest rules
(rules.py), the affinity of an expert's profile to an application (affinity.py), the min-cost
flow with its side rules and the fairness option (flow.py), the greedy baseline (greedy.py), the
explanation of an impossible assignment (feasibility.py). Reading the records: pool.py loads a
call's pool in a constant number of queries and instance.py turns it into the solver's arrays;
both are read by the selectors and by the services (which save what the solver returns)."""
