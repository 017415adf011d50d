"""JSON-RPC for vc-lsp: every request gets exactly one answer or error, and nothing is kept per
message once it is handled.

pygls 2.1's ``LanguageServerProtocol`` is kept for dispatch, handlers and the LSP built-ins;
this subclass takes over where it drops messages or keeps them (docs/protocol.md lists each
pygls behaviour and what we do instead):

- a body is parsed and checked here, as one JSON object, before anything is structured:
  not JSON is answered -32700, not a request object -32600, params that do not fit the
  method's type -32602 (pygls raised inside ``json.loads`` and answered nothing);
- before ``initialize`` a request is answered -32002 and a notification dropped; after
  ``shutdown`` a request is answered -32600 (pygls answered nothing);
- a custom request may leave out ``params`` (JSON-RPC allows it; pygls failed to build it);
- an answer that cannot be encoded becomes a -32603 error instead of silence;
- a response from the client only resolves a request we sent (never a handler's task), a
  malformed one fails that request instead of leaving it waiting forever, and a late one to
  a request we stopped waiting for is ignored;
- finished handler futures, cancelled outgoing requests and ended progress tokens are
  forgotten (pygls kept a future per notification: 20,000 didChange, +39 MiB).
"""

from __future__ import annotations

import contextvars
import json
import logging
import uuid
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any, TypeGuard

from lsprotocol import types
from pygls.exceptions import JsonRpcInternalError
from pygls.progress import Progress
from pygls.protocol import (
    JsonRPCNotification,
    JsonRPCRequestMessage,
    JsonRPCResponseMessage,
    LanguageServerProtocol,
)

from .framing import Refused

log = logging.getLogger(__name__)

PARSE_ERROR = -32700
INVALID_REQUEST = -32600
METHOD_NOT_FOUND = -32601
INVALID_PARAMS = -32602
INTERNAL_ERROR = -32603
SERVER_NOT_INITIALIZED = -32002
MESSAGE_LIMIT = 300  # characters of an error message we write


class VcProtocol(LanguageServerProtocol):
    def __init__(self, server: Any, converter: Any) -> None:
        super().__init__(server, converter)
        self.progress = _EndingProgress(self)
        self.initialize_received = False
        self.shutdown_received = False
        self._write_failed = False

    # -- what the reader hands over -------------------------------------------------------

    def receive(self, body: bytes) -> None:
        """One message body, as the framing delivered it."""
        try:
            data = json.loads(body.decode("utf-8"), parse_constant=_no_constant)
        except (UnicodeDecodeError, ValueError, RecursionError) as exc:
            log.warning("answered -32700 to a message that is not JSON: %s", _short(exc))
            self.send_error(None, PARSE_ERROR, f"Parse error: {_short(exc)}")
            return
        self.handle_message(data)

    def refuse(self, refused: Refused) -> None:
        """A message the framing could not deliver: log it, and answer it if it was a request."""
        peeked = _peek_request(refused.head) if refused.head else None
        if peeked is None:
            log.warning("dropped a message: %s", refused.reason)
            return
        msg_id, method = peeked
        log.warning("answered -32600 to %s (id %r): %s", method, msg_id, refused.reason)
        self.send_error(msg_id, INVALID_REQUEST, f"Invalid request: {refused.reason}")

    def structure_message(self, data: Any) -> Any:
        """pygls's own readers call this for every object ``json.loads`` builds: keep them all
        as plain data; ``handle_message`` checks and structures the whole message."""
        return data

    def handle_message(self, message: Any) -> None:
        """Check the envelope and the session state, then hand the message to pygls."""
        if not isinstance(message, dict):
            self.send_error(None, INVALID_REQUEST,
                            "Invalid request: a message must be a JSON object (LSP has no "
                            "batches)")
            return
        has_id = "id" in message
        raw_id = message.get("id")
        msg_id = raw_id if _is_id(raw_id) else None  # what an error answer can name
        method = message.get("method")
        if "method" not in message:
            if has_id and ("result" in message or "error" in message
                           or raw_id in self._result_types):
                self._response(raw_id, message)
            else:
                self.send_error(msg_id, INVALID_REQUEST, "Invalid request: neither a request, "
                                "a notification nor a response")
            return
        if not isinstance(method, str) or message.get("jsonrpc") != self.VERSION:
            why = ("'method' must be a string" if not isinstance(method, str)
                   else "'jsonrpc' must be \"2.0\"")
            if has_id:
                self.send_error(msg_id, INVALID_REQUEST, f"Invalid request: {why}")
            else:
                log.warning("dropped a notification: %s", why)
            return
        if not has_id:
            self._notification(method, message)
        elif msg_id is None:
            self.send_error(None, INVALID_REQUEST,
                            "Invalid request: 'id' must be an integer or a string")
        else:
            self._request(msg_id, method, message)

    # -- requests, notifications, responses -----------------------------------------------

    def _request(self, msg_id: int | str, method: str, message: dict[str, Any]) -> None:
        log.debug("request %r %s", msg_id, method)
        if self.shutdown_received:
            self.send_error(msg_id, INVALID_REQUEST,
                            f"Invalid request: {method} after shutdown; the server is "
                            "stopping")
            return
        if method == types.INITIALIZE and self.initialize_received:
            self.send_error(msg_id, INVALID_REQUEST,
                            "Invalid request: initialize was already received")
            return
        if method != types.INITIALIZE and not self.initialize_received:
            self.send_error(msg_id, SERVER_NOT_INITIALIZED,
                            f"Server not initialized: {method} before initialize")
            return
        if method not in self.fm.builtin_features and method not in self.fm.features:
            log.info("answered -32601 to the unknown method %s", method)
            self.send_error(msg_id, METHOD_NOT_FOUND, f"Method not found: {method}")
            return
        if _is_notification(self.get_message_type(method)):
            log.info("answered -32601 to the notification %s sent as a request", method)
            self.send_error(msg_id, METHOD_NOT_FOUND,
                            f"Method not found: {method} is a notification, not a request")
            return
        try:
            structured = self._structure(message, method, JsonRPCRequestMessage)
        except Exception as exc:
            why = _structure_error(exc)
            log.warning("answered -32602 to %s (id %r): %s", method, msg_id, why)
            self.send_error(msg_id, INVALID_PARAMS, f"Invalid params for {method}: {why}")
            return
        if method == types.INITIALIZE:
            self.initialize_received = True
        elif method == types.SHUTDOWN:
            self.shutdown_received = True
            self._shutdown = True  # so that exit's code is 0 even before the answer is sent
        contextvars.copy_context().run(self._handle_request, msg_id, method, structured.params)

    def _notification(self, method: str, message: dict[str, Any]) -> None:
        log.debug("notification %s", method)
        if method != types.EXIT:
            if self.shutdown_received:
                log.info("dropped %s after shutdown", method)
                return
            if not self.initialize_received:
                log.info("dropped %s before initialize", method)
                return
        try:
            structured = self._structure(message, method, JsonRPCNotification)
        except Exception as exc:
            log.warning("dropped %s with invalid params: %s", method, _structure_error(exc))
            return
        contextvars.copy_context().run(self._handle_notification, method, structured.params)

    def _response(self, msg_id: Any, message: dict[str, Any]) -> None:
        if not _is_id(msg_id) or msg_id not in self._result_types:
            log.info("ignored a response to no request of ours (id %r)", msg_id)
            return
        result_type = self._result_types.pop(msg_id) or JsonRPCResponseMessage
        future = self._request_futures.get(msg_id)
        try:
            if message.get("jsonrpc") != self.VERSION:
                raise ValueError("'jsonrpc' must be \"2.0\"")
            if "error" in message:
                failed = self._converter.structure(message, types.ResponseErrorMessage)
                self._handle_response(msg_id, None, failed.error)
            elif "result" in message:
                answer = self._converter.structure(message, result_type)
                self._handle_response(msg_id, answer.result)
            else:
                raise ValueError("it has neither 'result' nor 'error'")
        except Exception as exc:
            why = _structure_error(exc)
            log.warning("the client's answer to request %r is malformed: %s", msg_id, why)
            if self._request_futures.get(msg_id) is future:
                self._request_futures.pop(msg_id, None)
            if future is not None and not future.done():
                future.set_exception(JsonRpcInternalError(f"malformed response: {why}"))

    def _handle_response(self, msg_id: Any, result: Any | None = None,
                         error: Any | None = None) -> None:
        future = self._request_futures.get(msg_id)
        if future is not None and future.done():  # we stopped waiting (cancelled, shutdown)
            self._request_futures.pop(msg_id, None)
            log.debug("ignored a late response to request %r", msg_id)
            return
        super()._handle_response(msg_id, result, error)

    def _structure(self, message: dict[str, Any], method: str, fallback: type[Any]) -> Any:
        message_type = self.get_message_type(method)
        if message_type is None:
            message_type = fallback
            message.setdefault("params", None)  # JSON-RPC lets a request leave params out
        return self._converter.structure(message, message_type)

    # -- bookkeeping -----------------------------------------------------------------------

    def _execute_handler(self, msg_id: Any, handler: Any, callback: Any,
                         args: tuple[Any, ...] | None = None,
                         kwargs: dict[str, Any] | None = None) -> None:
        """pygls files a future under a fresh id for each notification and each step of a
        built-in handler, and only requests' futures are ever removed: remove them all."""
        super()._execute_handler(msg_id, handler, callback, args, kwargs)
        future = self._request_futures.get(msg_id)
        if future is not None:
            future.add_done_callback(self._forget(msg_id))

    def send_request(self, method: str, params: Any | None = None,
                     callback: Callable[[Any], None] | None = None,
                     msg_id: Any | None = None) -> Future[Any]:
        """A request to the client that we stop waiting for (cancelled) is forgotten at once;
        its answer, if it ever comes, is ignored."""
        msg_id = str(uuid.uuid4()) if msg_id is None else msg_id
        future = super().send_request(method, params, callback, msg_id)

        def done(f: Future[Any]) -> None:
            # Not while shutting down: pygls cancels every pending future in a loop over the
            # dict, and this callback runs inside ``cancel()`` (a concurrent future's does).
            if f.cancelled() and not self.shutdown_received \
                    and self._request_futures.get(msg_id) is f:
                self._request_futures.pop(msg_id, None)
                self._result_types.pop(msg_id, None)

        future.add_done_callback(done)
        return future

    def _forget(self, msg_id: Any) -> Callable[[Any], None]:
        def forget(future: Any) -> None:
            if self._request_futures.get(msg_id) is future:
                del self._request_futures[msg_id]
        return forget

    # -- sending ---------------------------------------------------------------------------

    def send_error(self, msg_id: int | str | None, code: int, message: str) -> None:
        """An error response; ``id`` is null when the request's id could not be read."""
        self._send_data({"jsonrpc": self.VERSION, "id": msg_id,
                         "error": {"code": code, "message": message[:MESSAGE_LIMIT]}})

    def _send_data(self, data: Any) -> None:
        if not data:
            return
        try:
            body = json.dumps(data, default=self._serialize_message)
        except Exception as exc:  # an answer that cannot be encoded is still an answer
            log.error("could not encode a message: %s", _short(exc))
            msg_id = getattr(data, "id", None)
            if isinstance(data, JsonRPCResponseMessage) and _is_id(msg_id):
                self.send_error(msg_id, INTERNAL_ERROR, "Internal error: the answer could not "
                                "be encoded")
            return
        log.debug("sending %.2000s", body)
        self._write(body)

    def _write(self, body: str) -> None:
        if self.writer is None or self._write_failed:
            return
        if self._include_headers:
            # json.dumps escapes every non-ASCII character, so characters are bytes here
            body = (f"Content-Length: {len(body)}\r\n"
                    f"Content-Type: {self.CONTENT_TYPE}; charset={self.CHARSET}\r\n\r\n{body}")
        try:  # stdout and TCP writers write at once (pygls's awaitable one is for websockets)
            self.writer.write(body.encode(self.CHARSET))
        except (OSError, ValueError) as exc:  # the client is gone; its input will end too
            self._write_failed = True
            log.error("cannot write to the client any more: %s", _short(exc))


class _EndingProgress(Progress):
    """pygls keeps every work-done token forever; an ended one is forgotten."""

    def end(self, token: types.ProgressToken, value: types.WorkDoneProgressEnd) -> None:
        super().end(token, value)
        self.tokens.pop(token, None)


def _is_notification(message_type: type[Any] | None) -> bool:
    """lsprotocol's notification types are the message types without an ``id``."""
    fields = getattr(message_type, "__attrs_attrs__", None)
    return fields is not None and not any(f.name == "id" for f in fields)


def _is_id(value: Any) -> TypeGuard[int | str]:
    return isinstance(value, (int, str)) and not isinstance(value, bool)


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _short(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    return text if len(text) <= 200 else text[:200] + "..."


def _structure_error(exc: BaseException) -> str:
    """cattrs' errors as ``what @ $.params.where`` lines, joined."""
    import cattrs

    if isinstance(exc, (cattrs.ClassValidationError, cattrs.IterableValidationError)):
        try:
            lines = cattrs.transform_error(exc, format_exception=_format_leaf)
        except Exception:
            lines = [str(exc)]
        return _short(ValueError("; ".join(lines)))
    return _short(exc)


def _format_leaf(exc: BaseException, type_: Any) -> str:
    if isinstance(exc, KeyError):
        return "required field missing"
    detail = str(exc) if isinstance(exc, ValueError) else ""  # a validator's own words
    detail = detail if len(detail) < 100 else ""
    name = getattr(type_, "__name__", None)
    if name is None:
        return detail or "invalid value"
    return f"expected {name}" + (f" ({detail})" if detail else "")


def _peek_request(head: bytes) -> tuple[int | str, str] | None:
    """The id and method of a request from the first bytes of its body, if they are there."""
    import ijson  # type: ignore[import-untyped]

    msg_id: Any = None
    method: str | None = None
    try:
        for prefix, event, value in ijson.parse(head):
            if prefix == "id" and event in ("number", "string") and _is_id(value):
                msg_id = value
            elif prefix == "method" and event == "string":
                method = value
            if msg_id is not None and method is not None:
                return msg_id, method
    except Exception:  # the head ends mid-way, or it is not JSON at all
        pass
    return None
