"""How close VlmEngine gets to the ideal throughput of its in-flight bound, and what it costs in client CPU.

    .venv/bin/python bench/vlm_client.py [--pages 320] [--in-flight 32] [--delay 1.0]

A local OpenAI-compatible server (its own process, so its CPU is not counted) answers every request after
a fixed delay with a valid ContractFields answer and per-token logprobs. With `in_flight` requests open at
once, the ideal is in_flight / delay pages per second; the client's own overhead (prompt building, base64
of the page image, JSON, parsing, confidence) shows as the gap, and as CPU seconds per page.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import multiprocessing
import random
import socket
import time

from PIL import Image, ImageDraw

from extractors.engines.base import PageInput
from extractors.vlm.client import ChatClient, EndpointConfig
from extractors.vlm.engine import VlmEngine
from schemas.contract import ContractFields
from schemas.ocr import OcrWord, PageOcr
from schemas.status import Status

ANSWER = ContractFields(title="Master Services Agreement", termination_notice_days=30).model_dump_json()


def completion() -> bytes:
    tokens = [
        {"token": char, "logprob": -0.01, "bytes": list(char.encode()), "top_logprobs": []} for char in ANSWER
    ]
    body = {
        "choices": [
            {
                "message": {"role": "assistant", "content": ANSWER},
                "finish_reason": "stop",
                "logprobs": {"content": tokens},
            }
        ],
        "usage": {"prompt_tokens": 1800, "completion_tokens": len(tokens)},
    }
    return json.dumps(body).encode()


def serve(port: int, delay_s: float) -> None:
    """A minimal HTTP/1.1 keep-alive server: every POST is answered after `delay_s`."""
    body = completion()
    head = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n" % len(body)

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                headers = await reader.readuntil(b"\r\n\r\n")
                length = 0
                for line in headers.split(b"\r\n"):
                    if line.lower().startswith(b"content-length:"):
                        length = int(line.split(b":")[1])
                await reader.readexactly(length)
                await asyncio.sleep(delay_s)
                writer.write(head + body)
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            writer.close()

    async def main() -> None:
        server = await asyncio.start_server(handle, "127.0.0.1", port, backlog=256)
        async with server:
            await server.serve_forever()

    asyncio.run(main())


def page_image() -> bytes:
    """An A4 page at 150 dpi with text-like strokes: a JPEG of realistic size."""
    image = Image.new("L", (1240, 1754), 255)
    draw = ImageDraw.Draw(image)
    rng = random.Random(0)
    for top in range(120, 1650, 28):
        left = 100
        while left < 1100:
            width = rng.randint(20, 90)
            draw.rectangle((left, top, left + width, top + 14), fill=rng.randint(0, 80))
            left += width + 12
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=75)
    return buffer.getvalue()


def pages(count: int) -> list[PageInput]:
    words = [
        OcrWord(text=f"word{i}", left=0, top=0, width=1, height=1, confidence=90.0, line=i // 12)
        for i in range(400)
    ]
    ocr = PageOcr(width=1240, height=1754, words=words, engine_version="bench")
    image = page_image()
    return [PageInput(number, image, ocr) for number in range(1, count + 1)]


async def drive(url: str, inputs: list[PageInput], in_flight: int) -> tuple[float, float, int]:
    endpoint = EndpointConfig(base_url=url, model="bench", max_in_flight=in_flight, timeout_s=30)
    engine = VlmEngine(ContractFields, ChatClient(endpoint))
    await engine.extract_pages(inputs[:in_flight])  # warm up: connections, imports
    cpu, wall = time.process_time(), time.monotonic()
    results = await engine.extract_pages(inputs)
    wall, cpu = time.monotonic() - wall, time.process_time() - cpu
    await engine.aclose()
    return wall, cpu, sum(result.status is Status.ok for result in results)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=320)
    parser.add_argument("--in-flight", type=int, default=32)
    parser.add_argument("--delay", type=float, default=1.0)
    args = parser.parse_args()

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = multiprocessing.Process(target=serve, args=(port, args.delay), daemon=True)
    server.start()
    try:
        time.sleep(0.5)
        inputs = pages(args.pages)
        wall, cpu, ok = asyncio.run(drive(f"http://127.0.0.1:{port}/v1", inputs, args.in_flight))
    finally:
        server.terminate()
        server.join()
    achieved, ideal = args.pages / wall, args.in_flight / args.delay
    print(f"pages: {args.pages} ({ok} ok), in flight: {args.in_flight}, server delay: {args.delay} s")
    print(f"page image: {len(inputs[0].image_jpeg) / 1024:.0f} KiB JPEG")
    print(f"achieved: {achieved:.2f} pages/s, ideal: {ideal:.2f} pages/s, ratio: {achieved / ideal:.3f}")
    print(f"client CPU: {1000 * cpu / args.pages:.2f} ms per page ({cpu:.2f} s in all)")


if __name__ == "__main__":
    main()
