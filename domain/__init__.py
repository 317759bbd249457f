"""The business of Financial RISE: accounts, assessments, scoring and reports, as pure Python.

This package imports only the standard library. It holds the domain model (frozen dataclasses
and enums), the rules of SCORING.md, the error tree, the ports that the outside world
implements (repositories, unit of work, password hasher, clock) and the use cases in
`domain.services`. SQLAlchemy, Strawberry, Starlette and pydantic never appear here.
"""
