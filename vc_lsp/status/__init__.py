"""What the user is told about the server's state: the status notification (``didChangeStatus``
in Copilot's shape: ``model``, ``reporter``, ``words``), ``$/progress`` for requests in flight
(``progress``) and a reason for every empty answer (``why``). ``service.StatusService`` is the
one owner."""
