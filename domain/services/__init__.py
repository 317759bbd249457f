"""Use cases: async functions with keyword-only arguments that run one unit of work each.

Each takes the ports it needs (unit of work, hasher, clock), validates its input with the
domain rules, changes state, records the activity row in the same transaction and commits.
Imports the rest of `domain` and the standard library only.
"""
