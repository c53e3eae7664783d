#!/usr/bin/python3
"""A TCP proxy that delays every byte by a fixed time each way, so that
loopback behaves like a wide-area link with a round trip of 2 x DELAY.

delayproxy.py --listen-port-file FILE --to PORT --delay-ms DELAY

Forwards 127.0.0.1:<free port> to 127.0.0.1:PORT; order is kept (the delay
is the same for every chunk). Writes its port to FILE, then serves until
killed. Used by bench/disco; needs no privileges (unlike tc netem, which
would slow down loopback for everyone on the machine).
"""
import argparse
import asyncio


async def pipe(reader, writer, delay):
    loop = asyncio.get_running_loop()
    queue = asyncio.Queue()

    async def deliver():
        while True:
            due, data = await queue.get()
            if data is None:
                break
            wait = due - loop.time()
            if wait > 0:
                await asyncio.sleep(wait)
            writer.write(data)
            await writer.drain()
        writer.close()

    sender = asyncio.ensure_future(deliver())
    try:
        while True:
            data = await reader.read(65536)
            queue.put_nowait((loop.time() + delay, data or None))
            if not data:
                break
    except ConnectionError:
        queue.put_nowait((0, None))
    try:
        await sender
    except ConnectionError:
        pass


async def main():
    p = argparse.ArgumentParser()
    p.add_argument("--listen-port-file", required=True)
    p.add_argument("--to", type=int, required=True)
    p.add_argument("--delay-ms", type=float, required=True)
    args = p.parse_args()
    delay = args.delay_ms / 1000.0

    async def handle(creader, cwriter):
        try:
            sreader, swriter = await asyncio.open_connection("127.0.0.1", args.to)
        except OSError:
            cwriter.close()
            return
        await asyncio.gather(pipe(creader, swriter, delay),
                             pipe(sreader, cwriter, delay))

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    with open(args.listen_port_file, "w") as f:
        f.write("%d\n" % port)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main())
