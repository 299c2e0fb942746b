"""The programmes' workflows on core.lifecycle: calls and applications (the application's table
runs from the draft to the closed project, so an applicant always sees one status)."""

from nesta.programmes.lifecycles.application import APPLICATION
from nesta.programmes.lifecycles.call import CALL

__all__ = ["APPLICATION", "CALL"]
