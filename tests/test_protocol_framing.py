"""The framing decoder: exact on good input however it is chunked, bounded and never raising on
any input, and a broken message costs only itself."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vc_lsp.framing import _LENGTH_LINE, PEEK_LIMIT, Frame, FrameDecoder, Refused

FUZZ = settings(max_examples=300, derandomize=True, database=None, deadline=None,
                suppress_health_check=[HealthCheck.too_slow])
HEADER_LIMIT, BODY_LIMIT = 256, 2048


def frame(body: bytes, name: bytes = b"Content-Length") -> bytes:
    return name + b": %d\r\n\r\n" % len(body) + body


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner,
                                                                max_size=4),
    max_leaves=12)
bodies = json_values.map(lambda v: json.dumps({"jsonrpc": "2.0", "id": 1, "params": v}).encode())
names = st.sampled_from([b"Content-Length", b"content-length", b"CONTENT-LENGTH",
                         b"Content-length"])


def chunked(data: bytes, cuts: list[int]) -> list[bytes]:
    points = sorted({c % (len(data) + 1) for c in cuts})
    return [data[a:b] for a, b in zip([0, *points], [*points, len(data)], strict=True)]


def decode(chunks: list[bytes], decoder: FrameDecoder | None = None) -> list[Frame | Refused]:
    decoder = decoder or FrameDecoder(header_limit=HEADER_LIMIT, body_limit=BODY_LIMIT)
    events = []
    for chunk in chunks:
        events += decoder.feed(chunk)
        assert decoder.buffered <= max(HEADER_LIMIT, BODY_LIMIT) + PEEK_LIMIT + 80
    return events


@FUZZ
@given(st.lists(st.tuples(bodies, names), min_size=1, max_size=6),
       st.lists(st.integers(min_value=0), max_size=12))
def test_good_frames_come_out_exactly_however_they_are_chunked(
        messages: list[tuple[bytes, bytes]], cuts: list[int]) -> None:
    data = b"".join(frame(body, name) for body, name in messages)
    assert decode(chunked(data, cuts)) == [Frame(body) for body, _ in messages]


@FUZZ
@given(st.binary(max_size=3000), st.lists(st.integers(min_value=0), max_size=8))
def test_any_bytes_are_handled_within_the_bounds(data: bytes, cuts: list[int]) -> None:
    decoder = FrameDecoder(header_limit=HEADER_LIMIT, body_limit=BODY_LIMIT)
    decode(chunked(data, cuts), decoder)
    decoder.close()


header_noise = st.lists(st.sampled_from([
    b"X-Junk: 1\r\n", b"Content-Type: text/plain\r\n", b"\r\n", b"\n", b"garbage", b"\r",
    b"Content-Length: ", b"Content-Length: ten\r\n", b"Content-Length: -1\r\n", b":::\r\n",
    b"\xff\xfe", b"{\"jsonrpc\": \"2.0\"}", b"Content-Length: 1", b" \t", b"x" * 300,
]), max_size=6).map(b"".join) | st.binary(max_size=400)


@FUZZ
@given(header_noise, bodies, st.lists(st.integers(min_value=0), max_size=6))
def test_a_good_frame_after_broken_bytes_is_recovered(noise: bytes, body: bytes,
                                                      cuts: list[int]) -> None:
    if _LENGTH_LINE.search(noise):  # noise that is itself a header announces its own body
        return
    good = frame(body)
    events = decode(chunked(noise + good, cuts))
    assert Frame(body) in events


@FUZZ
@given(bodies, st.integers(min_value=BODY_LIMIT + 1, max_value=10 ** 15),
       st.integers(min_value=0, max_value=BODY_LIMIT * 2))
def test_an_oversized_body_is_refused_and_the_next_frame_read(next_body: bytes, declared: int,
                                                              sent: int) -> None:
    """Whether the client sends all it announced or lies, memory stays bounded and the next
    message is read; the refusal keeps the first bytes so the request can be answered."""
    head = b'{"jsonrpc": "2.0", "id": 9, "method": "x/y", "params": "'
    data = (b"Content-Length: %d\r\n\r\n" % declared + head + b"a" * sent + b'"}'
            + frame(next_body))
    events = decode(chunked(data, [len(data) // 3, len(data) // 2]))
    refused = [e for e in events if isinstance(e, Refused)]
    assert refused and refused[0].head.startswith(head[:40])  # more bytes than declared: 2
    assert events[-1] == Frame(next_body)


def test_a_body_running_into_the_next_header_is_cut_there() -> None:
    nxt = frame(b'{"id": 2}')
    data = b"Content-Length: 40\r\n\r\n{\"id\": 1}" + nxt + b" " * 40
    events = decode([data])
    assert isinstance(events[0], Refused) and events[0].head == b'{"id": 1}'
    assert events[1] == Frame(b'{"id": 2}')


def test_the_input_ending_inside_a_message_is_reported() -> None:
    decoder = FrameDecoder()
    assert decoder.feed(b"Content-Length: 10\r\n\r\n{") == []
    assert decoder.close() == [Refused("the input ended inside a message")]
    assert FrameDecoder().close() == []
