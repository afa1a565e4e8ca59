"""`bench/vlm_client.py --url ... --write`: drives a server through VlmEngine and writes what the cost
model reads. Against the bench's own fake server, so the figure is the fake's, not a GPU's."""

from __future__ import annotations

import datetime as dt
import importlib.util
import socket
import threading
import time
from pathlib import Path
from types import ModuleType

import pytest
from PIL import Image

from extractors.vlm.cost import GpuPrice, PriceBook, read_throughput, write_throughput
from schemas.results import PageTry

BENCH = Path(__file__).resolve().parents[2] / "bench" / "vlm_client.py"
GPU = GpuPrice(gpu_hour_price=3.0, gpus=2, source="a cloud's price list", as_of=dt.date(2026, 5, 1))


def _bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_vlm_client", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def fake_server() -> str:
    """The bench's own fake server, answering after 50 ms, in a daemon thread of this process."""
    bench = _bench()
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    threading.Thread(target=bench.serve, args=(port, 0.05), daemon=True).start()
    for _ in range(50):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
            break
        except OSError:
            time.sleep(0.05)
    return f"http://127.0.0.1:{port}/v1"


def test_write_merges_the_measured_throughput_and_the_server_counted_tokens(
    tmp_path, fake_server, capsys, throughput_at
):
    path = tmp_path / "throughput.json"
    write_throughput(path, "large", throughput_at(700.0))  # measured earlier: stays in the file
    argv = [
        "--url",
        fake_server,
        "--model",
        "small",
        "--pages",
        "16",
        "--in-flight",
        "4",
        "--write",
        str(path),
    ]
    _bench().main(argv)
    figures = read_throughput(path)
    assert set(figures) == {"small", "large"} and figures["large"] == throughput_at(700.0)
    small = figures["small"]
    assert small.pages == 16 and small.in_flight == 4 and small.base_url == fake_server
    # The fake server's usage: 1,800 prompt tokens and one completion token per answer character.
    assert small.prompt_tokens_per_page == 1800 and small.completion_tokens_per_page > 0
    # 4 in flight, 50 ms each: at most 80 requests/s; at least a tenth of that on a loaded machine.
    assert 0.1 * 80 * 3600 <= small.pages_per_hour <= 80 * 3600
    assert "pages/hour" in capsys.readouterr().out
    # The cost model reads the file: the replica's hour over the measured pages/hour.
    book = PriceBook(prices={"small": GPU}, throughput=figures)
    attempt = PageTry(model="small", temperature=0.0, max_tokens=1024, tokens_in=1800, tokens_out=100)
    assert book.try_cost(attempt) == pytest.approx((6.0 / small.pages_per_hour, "measured"))


def test_the_pages_can_be_a_folder_of_page_images(tmp_path, fake_server):
    pages = tmp_path / "pages"
    pages.mkdir()
    Image.new("RGB", (620, 877), "white").save(pages / "p1.png")
    path = tmp_path / "throughput.json"
    argv = ["--url", fake_server, "--model", "m", "--images", str(pages), "--pages", "3", "--in-flight", "3"]
    _bench().main([*argv, "--write", str(path)])
    assert read_throughput(path)["m"].pages == 3
