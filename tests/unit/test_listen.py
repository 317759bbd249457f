"""The listening socket `rise serve` hands to uvicorn."""

from __future__ import annotations

import asyncio
import socket

from server.serving import listen


async def test_accepted_connections_have_nagle_off() -> None:
    """A keep-alive client must not wait for a delayed ACK between a response's headers and
    its body: asyncio sets TCP_NODELAY on connections of a listener that says it is TCP."""
    listener = listen("127.0.0.1", 0)
    accepted: asyncio.Future[int] = asyncio.get_running_loop().create_future()

    async def on_connect(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        sock = writer.get_extra_info("socket")
        accepted.set_result(sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
        writer.close()

    server = await asyncio.start_server(on_connect, sock=listener)
    try:
        port = listener.getsockname()[1]
        _, writer = await asyncio.open_connection("127.0.0.1", port)
        assert await asyncio.wait_for(accepted, 5) != 0
        writer.close()
    finally:
        server.close()
        await server.wait_closed()
