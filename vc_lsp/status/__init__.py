"""What the user is told about the server's state: the status notification (``didChangeStatus``,
Copilot's shape), ``$/progress`` for requests in flight, and a reason for every empty answer
(``vc/why``). ``StatusService`` is the one owner; see its module."""

from .model import METHOD, Kind, State, Status
from .service import Seen, StatusService
from .why import Reason, WhyBook

__all__ = ["METHOD", "Kind", "Reason", "Seen", "State", "Status", "StatusService", "WhyBook"]
