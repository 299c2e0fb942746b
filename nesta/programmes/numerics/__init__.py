"""The review and selection numerics of the programmes, free of Django (numpy, OR-Tools):

calibration   raw means, per-reviewer z-scores, the least-squares model score = quality + reviewer
              offset over the call's reviewer–application graph, reviews far from the consensus
selection     the award list as an integer programme within the budget (CP-SAT), with minimum
              shares, beside rank-until-budget, and the lottery among applications tied at the cut-off
"""
