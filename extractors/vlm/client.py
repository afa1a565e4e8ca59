"""Async client for one model behind one or more OpenAI-compatible `/chat/completions` endpoints.

This is the one layer that retries model calls (nothing above it retries again). It owns:
- the in-flight bound: at most `max_in_flight` requests of this process on this endpoint at once;
- a deadline per attempt (connect + whole response), so a server that hangs costs `timeout_s`, not forever;
- retries with exponential backoff and full jitter on connection errors, timeouts and 5xx; never on 4xx
  (the request itself is wrong, sending it again gives the same answer);
- client-side load balancing: round robin over the replicas that are not benched;
- a circuit breaker per replica: a refused connection, or `breaker_failures` failures in a row, benches
  the replica for `breaker_cooldown_s`; after that a health check (`GET {base_url}/models`) must pass before
  it takes traffic again. With every replica benched, calls fail at once with `circuit_open` instead of
  hammering a server that is down.
Every outcome is a value (`Completion` or `Failure`), never an exception.
"""

from __future__ import annotations

import asyncio
import random
import time
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Literal, NamedTuple

import httpx
import orjson
from pydantic import BaseModel, Field, SecretStr

from extractors.vlm.page_image import ImageLimits, mm_processor_kwargs
from schemas.status import FailureKind

_JSON = {"Content-Type": "application/json"}

# vLLM reports -inf (a token the grammar masked) as this number, JSON having no infinity.
MASKED_LOGPROB = -9999.0


class EndpointCapabilities(BaseModel):
    """What the server behind an endpoint accepts: the request is built from these.

    The defaults are vLLM's, so a vLLM endpoint needs none of this. Hosted OpenAI-compatible APIs differ:
    OpenAI's reasoning models (o1, o3, o4-mini, the gpt-5 family) refuse `max_tokens` (they take
    `max_completion_tokens`), any `temperature` but their own and `logprobs`; some servers take only
    `response_format: {"type": "json_object"}`. A server refuses such a request with a 400, which is
    never retried: set these to what it takes instead.
    """

    # False: ask for no logprobs (every confidence is then unknown, or measured by agreement).
    logprobs: bool = True
    # False: `{"type": "json_object"}`, no guided decoding. The prompt carries the JSON schema anyway and
    # every answer is validated, so an answer off the schema is a retried invalid one, not a wrong value.
    json_schema: bool = True
    max_tokens_field: Literal["max_tokens", "max_completion_tokens"] = "max_tokens"
    # False: temperature is never sent; the server samples at its own (`server_temperature`), so the
    # engine's ladder cannot raise it (its tries still happen) and agreement cannot be sampled.
    temperature: bool = True
    # What the server samples at when it takes no temperature (OpenAI's reasoning models: 1); only the
    # tries record it, nothing sends it.
    server_temperature: float = Field(default=1.0, ge=0.0, le=2.0)

    @property
    def tag(self) -> str:
        """What these change in the request, for version strings: empty for vLLM's defaults, so vLLM
        endpoints keep the versions they had."""
        changes = [
            "" if self.logprobs else "nologprobs",
            "" if self.json_schema else "jsonobject",
            "" if self.max_tokens_field == "max_tokens" else "maxcompletion",
            "" if self.temperature else "notemp",
        ]
        return "+".join(change for change in changes if change)


class EndpointConfig(BaseModel):
    """One model served at one or more base URLs (replicas of the same model, e.g. http://h:8000/v1)."""

    base_url: str | list[str]
    model: str
    api_key: SecretStr | None = None
    timeout_s: float = Field(default=120.0, gt=0)  # per attempt, connect to last byte
    connect_timeout_s: float = Field(default=5.0, gt=0)
    max_in_flight: int = Field(default=32, ge=1)
    max_retries: int = Field(default=3, ge=0)
    backoff_base_s: float = Field(default=0.5, ge=0)
    backoff_max_s: float = Field(default=20.0, ge=0)
    max_tokens: int = Field(default=1024, ge=1)
    top_logprobs: int = Field(default=5, ge=0, le=20)
    breaker_failures: int = Field(default=3, ge=1)  # failures in a row that bench a replica
    breaker_cooldown_s: float = Field(default=30.0, ge=0)
    health_timeout_s: float = Field(default=2.0, gt=0)
    # The page image is scaled down to this longest side before it is sent (never up; None: as stored).
    # 1,288 px is olmOCR's page size: ~1,600 Qwen2.5-VL visual tokens for A4/Letter, text still legible.
    max_image_side: int | None = Field(default=1288, ge=28)
    max_image_pixels: int | None = Field(default=None, ge=28 * 28)  # optional cap on the area as well
    # Also send vLLM the pixel budget per request (`mm_processor_kwargs`). Off by default: vLLM refuses it
    # (400) unless started with --trust-request-mm-kwargs, and other servers may reject unknown fields;
    # a deployment sets the same bound server-wide with --mm-processor-kwargs '{"max_pixels": ...}'.
    send_mm_processor_kwargs: bool = False
    capabilities: EndpointCapabilities = Field(default_factory=EndpointCapabilities)
    # Confidence by agreement where an answer carries no logprobs: this many more samples of the page at
    # `agreement_temperature`, each field as sure as the share of answers that agree with the first
    # (extractors/vlm/agreement.py). 0: off, such confidences stay unknown. Needs `capabilities.temperature`.
    agreement_samples: int = Field(default=0, ge=0, le=20)
    agreement_temperature: float = Field(default=0.7, gt=0.0, le=2.0)

    @property
    def agreement(self) -> bool:
        """Whether answers without logprobs are sampled again to measure agreement: a server that takes
        no temperature cannot be asked for varied samples against a greedy first answer."""
        return self.agreement_samples > 0 and self.capabilities.temperature

    @property
    def image_limits(self) -> ImageLimits:
        return ImageLimits(self.max_image_side, self.max_image_pixels)

    @property
    def base_urls(self) -> list[str]:
        urls = [self.base_url] if isinstance(self.base_url, str) else list(self.base_url)
        return [url.rstrip("/") for url in urls]


class CallFailureKind(StrEnum):
    connection = "connection"  # refused, reset, DNS: the server is not there
    timeout = "timeout"
    server_error = "server_error"  # 5xx
    rate_limited = "rate_limited"  # 429: the server is healthy but busy; retried after it says
    client_error = "client_error"  # other 4xx: our request is wrong, not retried
    invalid_response = "invalid_response"  # 2xx whose body is not a chat completion
    circuit_open = "circuit_open"  # every replica is benched: failed fast, nothing sent

    @property
    def pipeline_kind(self) -> FailureKind:
        """What the pipeline does about it: a 4xx is our request's fault and repeats until the request
        changes (a new prompt, schema or image size is a new stage version); the rest is the server's
        state, and the next run tries again without being asked."""
        return FailureKind.permanent if self is CallFailureKind.client_error else FailureKind.transient


class TokenLogprob(NamedTuple):
    """One generated token: its bytes, its log-probability and the alternatives the server reported.

    A tuple rather than a dataclass: an answer has a thousand of these, built on the event loop, and a
    tuple is several times cheaper to make."""

    text: bytes
    logprob: float
    top_logprobs: tuple[float, ...] = ()

    @property
    def free(self) -> bool:
        """Whether the model chose this token, rather than the grammar forcing it.

        Forced tokens come back with logprob 0.0 and every alternative masked (-9999). A token with an
        unmasked alternative, or a logprob below 0, was a choice.
        """
        alternatives = sum(1 for logprob in self.top_logprobs if logprob > MASKED_LOGPROB)
        return alternatives > 1 or self.logprob < 0.0


@dataclass(frozen=True)
class Completion:
    content: str
    finish_reason: str | None
    tokens: list[TokenLogprob]
    prompt_tokens: int
    completion_tokens: int
    latency_s: float
    attempts: int
    replica: str

    @property
    def truncated(self) -> bool:
        """The answer hit `max_tokens`: whatever JSON it holds is cut off, so it is invalid."""
        return self.finish_reason == "length"


@dataclass(frozen=True)
class Failure:
    kind: CallFailureKind
    message: str
    latency_s: float
    attempts: int
    status_code: int | None = None


ChatResult = Completion | Failure


class _RetryableError(Exception):
    def __init__(
        self,
        kind: CallFailureKind,
        message: str,
        status_code: int | None = None,
        retry_after_s: float | None = None,
    ) -> None:
        super().__init__(message)
        self.kind = kind
        self.status_code = status_code
        self.retry_after_s = retry_after_s


@dataclass
class _Replica:
    base_url: str
    failures_in_row: int = 0
    benched_until: float | None = None  # None: takes traffic; a time: benched, probe after it
    probing: bool = False
    last_error: str = ""


class ChatClient:
    """Chat completions with guided JSON and logprobs for the model named in `config`."""

    def __init__(self, config: EndpointConfig, transport: httpx.AsyncBaseTransport | None = None) -> None:
        self.config = config
        self._replicas = [_Replica(url) for url in config.base_urls]
        self._next = 0
        self._in_flight = asyncio.Semaphore(config.max_in_flight)
        headers = {}
        if config.api_key is not None:
            headers["Authorization"] = f"Bearer {config.api_key.get_secret_value()}"
        self._http = httpx.AsyncClient(
            headers=headers,
            timeout=httpx.Timeout(config.timeout_s, connect=config.connect_timeout_s),
            # Room for every in-flight request plus health checks, so the pool never queues them.
            limits=httpx.Limits(max_connections=config.max_in_flight + len(self._replicas)),
            transport=transport,
        )

    async def aclose(self) -> None:
        await self._http.aclose()

    async def chat_json(
        self,
        messages: list[dict[str, Any]],
        name: str,
        schema: dict[str, Any],
        *,
        temperature: float = 0.0,
        max_tokens: int | None = None,
    ) -> ChatResult:
        """One completion constrained to `schema` (greedy unless `temperature` is set, at most
        `max_tokens`, default the endpoint's), with the logprobs of every generated token.

        Only what the endpoint's capabilities allow is sent: without `temperature` the server's own is
        used, without `logprobs` the completion has no tokens, without `json_schema` only JSON is asked for.
        """
        capabilities = self.config.capabilities
        payload: dict[str, Any] = {
            "model": self.config.model,
            "messages": messages,
            capabilities.max_tokens_field: max_tokens or self.config.max_tokens,
            "response_format": _response_format(name, schema, capabilities),
        }
        if capabilities.temperature:
            payload["temperature"] = temperature
        if capabilities.logprobs:
            payload.update(logprobs=True, top_logprobs=self.config.top_logprobs)
        if self.config.send_mm_processor_kwargs and (kwargs := mm_processor_kwargs(self.config.image_limits)):
            payload["mm_processor_kwargs"] = kwargs  # vLLM's HF processor bounds for this request only
        return await self.post_chat(payload)

    async def post_chat(self, payload: dict[str, Any]) -> ChatResult:
        """POST `payload` to a healthy replica, retrying what is worth retrying."""
        started = time.monotonic()
        attempts = 0
        last_error: _RetryableError | None = None
        while True:
            replica = await self._pick()
            if replica is None:
                # This call's own error says more than "benched"; a later call only finds them benched.
                kind = last_error.kind if last_error else CallFailureKind.circuit_open
                benched = "; ".join(r.last_error for r in self._replicas)
                message = f"every replica is benched: {benched}"
                return Failure(kind, message, time.monotonic() - started, attempts)
            attempts += 1
            try:
                async with self._in_flight:
                    body = await self._post(replica, payload)
            except _RetryableError as error:
                self._record_failure(replica, error)
                last_error = error
                if attempts > self.config.max_retries:
                    return Failure(
                        error.kind, str(error), time.monotonic() - started, attempts, error.status_code
                    )
                await asyncio.sleep(self._backoff(attempts, error.retry_after_s))
                continue
            except httpx.HTTPStatusError as error:
                # A 4xx means the server is healthy and our request is wrong: no retry, no breaker.
                return Failure(
                    CallFailureKind.client_error,
                    f"{error.response.status_code}: {error.response.text[:500]}",
                    time.monotonic() - started,
                    attempts,
                    error.response.status_code,
                )
            replica.failures_in_row = 0
            return _parse_completion(body, time.monotonic() - started, attempts, replica.base_url)

    async def _post(self, replica: _Replica, payload: dict[str, Any]) -> Any:
        url = f"{replica.base_url}/chat/completions"
        try:
            # httpx's timeout is per read; the deadline also bounds a server that trickles bytes.
            async with asyncio.timeout(self.config.timeout_s):
                # orjson: a page's request (its image) and answer (a logprob per token) are large, and
                # the stdlib codec's time on them is time the event loop serves no other request.
                response = await self._http.post(url, content=orjson.dumps(payload), headers=_JSON)
        except (TimeoutError, httpx.TimeoutException) as error:
            message = f"{url}: no answer within {self.config.timeout_s} s"
            raise _RetryableError(CallFailureKind.timeout, message) from error
        except httpx.TransportError as error:
            message = f"{url}: {type(error).__name__}: {error}"
            raise _RetryableError(CallFailureKind.connection, message) from error
        if response.status_code == 429:
            raise _RetryableError(
                CallFailureKind.rate_limited,
                f"{url}: 429: {response.text[:500]}",
                429,
                _retry_after(response.headers.get("Retry-After")),
            )
        if response.status_code >= 500:
            raise _RetryableError(
                CallFailureKind.server_error,
                f"{url}: {response.status_code}: {response.text[:500]}",
                response.status_code,
            )
        response.raise_for_status()
        try:
            return orjson.loads(response.content)
        except orjson.JSONDecodeError:
            return None  # reported as an invalid response by the parser

    def _backoff(self, attempt: int, retry_after_s: float | None = None) -> float:
        # Full jitter: spreads the retries of many pages that failed together.
        ceiling = min(self.config.backoff_max_s, self.config.backoff_base_s * 2 ** (attempt - 1))
        wait = random.uniform(0, ceiling)
        if retry_after_s is not None:
            # A rate limiter's own wait is honoured, but never longer than the longest backoff.
            wait = max(wait, min(retry_after_s, self.config.backoff_max_s))
        return wait

    def _record_failure(self, replica: _Replica, error: _RetryableError) -> None:
        if error.kind is CallFailureKind.rate_limited:
            return  # busy is not broken: benching a rate-limited replica would only move the load
        replica.failures_in_row += 1
        replica.last_error = str(error)
        refused = error.kind is CallFailureKind.connection
        if refused or replica.failures_in_row >= self.config.breaker_failures:
            replica.benched_until = time.monotonic() + self.config.breaker_cooldown_s

    async def _pick(self) -> _Replica | None:
        """The next replica in round robin that may take traffic, probing those whose bench time is up."""
        count = len(self._replicas)
        for offset in range(count):
            replica = self._replicas[(self._next + offset) % count]
            if replica.benched_until is None:
                self._next = (self._next + offset + 1) % count
                return replica
        now = time.monotonic()
        # One probe per replica at a time; calls arriving meanwhile fail fast rather than queue behind it.
        for replica in self._replicas:
            ready = replica.benched_until is not None and replica.benched_until <= now
            if ready and not replica.probing and await self._probe(replica):
                return replica
        return None

    async def _probe(self, replica: _Replica) -> bool:
        """Half-open breaker: one health check decides whether a benched replica comes back."""
        replica.probing = True
        try:
            url = f"{replica.base_url}/models"
            response = await self._http.get(url, timeout=self.config.health_timeout_s)
            healthy = response.status_code == 200
        except httpx.HTTPError as error:
            healthy = False
            replica.last_error = f"{replica.base_url}: health check failed: {type(error).__name__}"
        finally:
            replica.probing = False
        if healthy:
            replica.failures_in_row = 0
            replica.benched_until = None
        else:
            replica.benched_until = time.monotonic() + self.config.breaker_cooldown_s
        return healthy


def _response_format(name: str, schema: dict[str, Any], capabilities: EndpointCapabilities) -> dict[str, Any]:
    if not capabilities.json_schema:
        return {"type": "json_object"}  # the schema is in the prompt; validation catches the rest
    return {"type": "json_schema", "json_schema": {"name": name, "schema": schema, "strict": True}}


def _parse_completion(body: Any, latency_s: float, attempts: int, replica: str) -> ChatResult:
    try:
        choice = body["choices"][0]
        content = choice["message"]["content"] or ""
        usage = body.get("usage") or {}
        logprobs = (choice.get("logprobs") or {}).get("content") or []
        tokens = [_token(entry) for entry in logprobs]
        return Completion(
            content=content,
            finish_reason=choice.get("finish_reason"),
            tokens=tokens,
            prompt_tokens=int(usage.get("prompt_tokens") or 0),
            completion_tokens=int(usage.get("completion_tokens") or len(tokens)),
            latency_s=latency_s,
            attempts=attempts,
            replica=replica,
        )
    except (KeyError, IndexError, TypeError, ValueError) as error:
        return Failure(
            CallFailureKind.invalid_response,
            f"{replica}: not a chat completion: {type(error).__name__}: {error}",
            latency_s,
            attempts,
        )


def _token(entry: dict[str, Any]) -> TokenLogprob:
    # `bytes` is exact where a token holds part of a UTF-8 character; `token` is the fallback.
    raw = entry.get("bytes")
    text = bytes(raw) if raw is not None else entry["token"].encode()
    alternatives = entry.get("top_logprobs")
    top = tuple([float(alt["logprob"]) for alt in alternatives]) if alternatives else ()
    return TokenLogprob(text, float(entry["logprob"]), top)


def _retry_after(header: str | None) -> float | None:
    """Seconds from a Retry-After header given in seconds (the HTTP-date form is treated as absent)."""
    try:
        return max(0.0, float(header)) if header is not None else None
    except ValueError:
        return None
