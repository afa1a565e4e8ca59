"""How close VlmEngine gets to the ideal throughput of its in-flight bound; or a server's measured pages/hour.

    .venv/bin/python bench/vlm_client.py [--pages 320] [--in-flight 32] [--delay 1.0]

A local OpenAI-compatible server (its own process, so its CPU is not counted) answers every request after
a fixed delay with a valid ContractFields answer and per-token logprobs. With `in_flight` requests open at
once, the ideal is in_flight / delay pages per second; the client's own overhead (prompt building, base64
of the page image, JSON, parsing, confidence) shows as the gap, and as CPU seconds per page.

    .venv/bin/python bench/vlm_client.py --url http://gpu:8000/v1 --model Qwen/Qwen2.5-VL-7B-Instruct-AWQ \
        [--api-key-env VAR] [--images DIR] [--pages 320] [--in-flight 32] --write throughput.json

drives a real server through the real VlmEngine (page images of DIR, OCR'd by tesseract for their anchor
text, else the synthetic page) and merges the model's measured pages/hour and tokens per page (the
server's `usage`) into the JSON file `extraction.throughput_file` points the cost model at.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import io
import itertools
import json
import multiprocessing
import os
import random
import socket
import time
from pathlib import Path

from PIL import Image, ImageDraw

from extractors.engines.base import PageInput
from extractors.ocr import OcrConfig, ocr_image_file
from extractors.vlm.client import ChatClient, EndpointConfig
from extractors.vlm.cost import Throughput, write_throughput
from extractors.vlm.engine import VlmEngine
from schemas.contract import ContractFields
from schemas.ocr import OcrWord, PageOcr
from schemas.results import PageExtraction
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


def image_pages(folder: Path, count: int) -> list[PageInput]:
    """`count` pages cycling through the page images of `folder`, each with its tesseract OCR (the anchor
    text production sends with the image)."""
    files = sorted(f for f in folder.iterdir() if f.suffix.lower() in {".jpg", ".jpeg", ".png"})
    if not files:
        raise SystemExit(f"no .jpg/.jpeg/.png page images in {folder}")
    read = []
    for path in files[:count]:
        with Image.open(path) as image:
            buffer = io.BytesIO()
            image.convert("RGB").save(buffer, "JPEG", quality=90)  # the engine sends JPEG
        read.append((buffer.getvalue(), ocr_image_file(path, OcrConfig())))
    chosen = itertools.islice(itertools.cycle(read), count)
    return [PageInput(number, jpeg, ocr) for number, (jpeg, ocr) in enumerate(chosen, start=1)]


async def run_engine(
    endpoint: EndpointConfig, inputs: list[PageInput], warm_up: int
) -> tuple[float, float, list[PageExtraction]]:
    """Wall and client CPU seconds of reading `inputs` after `warm_up` pages (connections, imports, and on
    a real server its compiled graphs and prefix cache)."""
    engine = VlmEngine(ContractFields, ChatClient(endpoint))
    try:
        await engine.extract_pages(inputs[:warm_up])
        cpu, wall = time.process_time(), time.monotonic()
        results = await engine.extract_pages(inputs)
        return time.monotonic() - wall, time.process_time() - cpu, results
    finally:
        await engine.aclose()


async def drive(url: str, inputs: list[PageInput], in_flight: int) -> tuple[float, float, int]:
    endpoint = EndpointConfig(base_url=url, model="bench", max_in_flight=in_flight, timeout_s=30)
    wall, cpu, results = await run_engine(endpoint, inputs, in_flight)
    return wall, cpu, sum(result.status is Status.ok for result in results)


def throughput(results: list[PageExtraction], wall_s: float, in_flight: int, base_url: str) -> Throughput:
    """The figure the cost model reads. Every request counts, retries too: the cost model charges each try
    one request's share of a GPU hour, so pages/hour here is requests answered per hour."""
    tries = [attempt for result in results for attempt in result.tries]
    if not tries:
        raise SystemExit("the server answered no request: nothing measured")
    return Throughput(
        pages_per_hour=len(tries) / wall_s * 3600,
        in_flight=in_flight,
        pages=len(results),
        prompt_tokens_per_page=sum(t.tokens_in for t in tries) / len(results),
        completion_tokens_per_page=sum(t.tokens_out for t in tries) / len(results),
        measured_at=dt.datetime.now(dt.UTC),
        base_url=base_url,
    )


def measure(args: argparse.Namespace) -> None:
    """Drive a real OpenAI-compatible server and merge its measured throughput into `args.write`."""
    api_key = os.environ[args.api_key_env] if args.api_key_env else None
    endpoint = EndpointConfig(
        base_url=args.url,
        model=args.model,
        api_key=api_key,
        max_in_flight=args.in_flight,
        timeout_s=args.timeout,
    )
    inputs = image_pages(args.images, args.pages) if args.images else pages(args.pages)
    wall, _cpu, results = asyncio.run(run_engine(endpoint, inputs, min(args.in_flight, args.pages)))
    measured = throughput(results, wall, args.in_flight, args.url)
    write_throughput(args.write, args.model, measured)
    ok = sum(result.status is Status.ok for result in results)
    print(
        f"{args.model} at {args.url}: {args.pages} pages ({ok} ok), {args.in_flight} in flight, {wall:.1f} s"
    )
    print(
        f"pages/hour: {measured.pages_per_hour:,.0f}; tokens per page: {measured.prompt_tokens_per_page:,.0f}"
        f" prompt, {measured.completion_tokens_per_page:,.0f} completion"
    )
    print(f"written to {args.write}")


def self_contained(args: argparse.Namespace) -> None:
    """The client's own overhead against the local fake server: the achieved/ideal ratio."""
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


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=320)
    parser.add_argument("--in-flight", type=int, default=32)
    parser.add_argument("--delay", type=float, default=1.0, help="the fake server's answer delay")
    parser.add_argument("--url", help="a real OpenAI-compatible server's base URL, e.g. http://gpu:8000/v1")
    parser.add_argument("--model", help="the model name the server serves (with --url)")
    parser.add_argument("--api-key-env", help="the environment variable holding the server's API key")
    parser.add_argument(
        "--images", type=Path, help="a folder of page JPEG/PNGs (default: the synthetic page)"
    )
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds per request (with --url)")
    parser.add_argument("--write", type=Path, help="the throughput JSON file to merge the figure into")
    args = parser.parse_args(argv)
    if args.url is None:
        self_contained(args)
    elif args.model is None or args.write is None:
        parser.error("--url needs --model and --write")
    else:
        measure(args)


if __name__ == "__main__":
    main()
