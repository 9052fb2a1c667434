"""Realistic model answers for the render tests and the render benchmark."""

PROSE = """\
Sure! The short answer is **yes**: `asyncio.timeout()` replaces `wait_for()` in most \
cases since Python 3.11. See the \
[asyncio docs](https://docs.python.org/3/library/asyncio-task.html#timeouts) for details.

The longer answer is that *cancellation* is cooperative: a task only stops at its next \
`await`. If your coroutine spins in a tight CPU loop, no timeout can interrupt it — move \
that work to a thread with `asyncio.to_thread()`.
Lines that end with two spaces{HARD_BREAK}
keep a hard break, and a backslash\\
does too.
""".format(HARD_BREAK="  ")

NESTED_LISTS = """\
Here are the steps:
1. Install the dependencies
2. Configure the client:
   - set `base_url`
   - set the API key
     - from the environment, or
     - from the keyring
3. Run it

Options you can tweak:
- **timeout**: seconds before giving up
- **retries**: how often to retry

- loose item one

- loose item two

  with a second paragraph

Done.
"""

CODE = """\
Here is a minimal client:

```python
import httpx

async def fetch(url: str) -> str:
    async with httpx.AsyncClient() as client:
        r = await client.get(url)
        r.raise_for_status()
        return r.text  # <b>not</b> HTML & friends
```

And the same without a language (never guessed):

```
def looks_like_python():
    return "but stays plain"
```

~~~bash
pip install httpx
~~~

    indented code block
    second line

1. In a list:
   ```js
   console.log("hi");
   ```
"""

OPEN_FENCE = """\
Let me write the function:

```rust
fn main() {
    let v: Vec<i32> = (1..10).collect();
    println!("{:?}", v);
"""

TABLE = """\
Comparison of the models:
| Model | Context | Vision | Price |
|:------|--------:|:------:|-------|
| kimi-k2 | 128k | no | `$` |
| kimi-k2.5 | 256k | **yes** | `$$` |
| kimi-latest | 128k | yes | varies |

Second table right after a blank line:

a | b
--|--
1 | 2
"""

TASKS = """\
Release checklist:
- [x] Bump the version
- [x] Update the changelog
- [ ] Tag the release
- [ ] Publish the wheel
  - [ ] nested task
"""

QUOTES = """\
> **Note:** this is a quote
with a lazy continuation line.
>
> - a list inside
> - the quote
>
> > and a nested quote

After the quote.
"""

HEADINGS = """\
# Title
Intro right under the title.
## Section
### Subsection

Setext heading
==============

Another one
-----------
Text.

---

***
"""

CJK = """\
## 安装步骤

首先，请确认已经安装了 **Python 3.11** 或更高版本：
1. 打开终端
2. 运行 `pip install kimi-desktop`
3. 启动程序

| 参数 | 说明 |
|------|------|
| `--demo` | 离线演示模式 |

> 注意：API 密钥只保存在系统钥匙串中。
"""

EMOJI = """\
Great question! 🎉

- 🚀 **Fast**: streaming renders only the tail
- 🔒 **Safe**: no remote images 🖼️, only links
- 👨‍👩‍👧 family emoji and flags 🇯🇵 survive splitting

Cheers 👋
"""

SHORT_SAMPLES = {
    "prose": PROSE,
    "nested_lists": NESTED_LISTS,
    "code": CODE,
    "open_fence": OPEN_FENCE,
    "table": TABLE,
    "tasks": TASKS,
    "quotes": QUOTES,
    "headings": HEADINGS,
    "cjk": CJK,
    "emoji": EMOJI,
}

LONG_REPLY = """\
# Building a rate limiter for an async HTTP client

You are right that sending requests as fast as possible will get you throttled. Most \
providers, including the Kimi endpoints, enforce limits on **requests per minute** (RPM) \
and **tokens per minute** (TPM), and answer `429 Too Many Requests` with a `Retry-After` \
header when you exceed them. Below is a design that respects both limits, plays well \
with `asyncio`, and stays easy to test.

## 1. Pick an algorithm

There are three common choices:

1. **Fixed window**: count requests per calendar minute. Simple, but bursty at the \
window edges — you can send twice the limit within one second around the boundary.
2. **Sliding window log**: remember the timestamp of every request in the last minute. \
Exact, but memory grows with the limit.
3. **Token bucket**: a bucket refills at a constant rate and each request takes tokens \
from it. Smooth, constant memory, and it naturally allows short bursts.

For an API client the token bucket is usually the best fit:
- it maps directly onto "N requests per minute";
- a second bucket handles the token budget;
- waiting for capacity is a single `await asyncio.sleep(delay)`.

| Algorithm | Memory | Burst handling | Precision |
|:----------|:------:|:---------------|----------:|
| Fixed window | O(1) | poor at edges | low |
| Sliding log | O(n) | exact | high |
| Token bucket | O(1) | configurable | good |

## 2. A token bucket in Python

```python
import asyncio
import time
from dataclasses import dataclass, field


@dataclass
class TokenBucket:
    \"\"\"Refills `rate` tokens per second up to `capacity`.\"\"\"

    rate: float
    capacity: float
    _tokens: float = field(init=False)
    _updated: float = field(init=False)
    _lock: asyncio.Lock = field(init=False, default_factory=asyncio.Lock)

    def __post_init__(self) -> None:
        self._tokens = self.capacity
        self._updated = time.monotonic()

    def _refill(self) -> None:
        now = time.monotonic()
        elapsed = now - self._updated
        self._tokens = min(self.capacity, self._tokens + elapsed * self.rate)
        self._updated = now

    async def acquire(self, amount: float = 1.0) -> None:
        if amount > self.capacity:
            raise ValueError(f"cannot take {amount} tokens from a bucket of {self.capacity}")
        async with self._lock:
            while True:
                self._refill()
                if self._tokens >= amount:
                    self._tokens -= amount
                    return
                missing = amount - self._tokens
                await asyncio.sleep(missing / self.rate)
```

A few details matter here:
- `time.monotonic()` never jumps backwards, unlike `time.time()`;
- the lock keeps waiters in FIFO order, so no request starves;
- raising on `amount > capacity` turns a silent deadlock into a clear error.

## 3. Wiring it into the client

Wrap every call so that it first takes one request token and an estimate of the \
prompt tokens, then adjusts once the real usage is known:

```python
class RateLimitedClient:
    def __init__(self, client, rpm: int, tpm: int) -> None:
        self._client = client
        self._requests = TokenBucket(rate=rpm / 60, capacity=rpm)
        self._tokens = TokenBucket(rate=tpm / 60, capacity=tpm)

    async def chat(self, request):
        estimate = estimate_tokens(request)
        await self._requests.acquire()
        await self._tokens.acquire(estimate)
        response = await self._client.chat(request)
        # Give back what we over-estimated (or borrow what we under-estimated).
        self._tokens.adjust(estimate - response.usage.total_tokens)
        return response
```

> **Tip:** estimate prompt tokens as `len(text) / 4` for English and closer to \
`len(text) / 1.5` for Chinese. Over-estimating is safe; under-estimating gets you \
throttled.

## 4. Handling `429` anyway

Even with a limiter you will sometimes see `429`, for example when several processes \
share one key. Handle it in one place:

1. Read `Retry-After` (seconds, or an HTTP date) and sleep at least that long.
2. Otherwise back off exponentially with jitter: \
`delay = base * 2**attempt * random.uniform(0.5, 1.5)`.
3. Give up after a few attempts and show the user a plain message, such as \
*"The service is busy, please try again in a minute."*

```bash
# Watch the headers while testing:
curl -sD - https://api.example.com/v1/models -H "Authorization: Bearer $KEY" -o /dev/null
```

## 5. Testing it without waiting

Never use real sleeps in tests. Inject the clock instead:

- [x] make `time.monotonic` a constructor argument
- [x] replace `asyncio.sleep` with a fake that advances the fake clock
- [ ] add a property test: *no window of 60 s ever sees more than `rpm` requests*

```python
async def test_bucket_waits_for_refill(fake_clock):
    bucket = TokenBucket(rate=1.0, capacity=2.0, clock=fake_clock)
    await bucket.acquire(2)
    started = fake_clock.now
    await bucket.acquire(1)
    assert fake_clock.now - started == pytest.approx(1.0)
```

## 6. Sharing a limit between processes

A token bucket in memory only protects one process. When several workers share one API \
key, keep the bucket somewhere they can all see it. Redis is the usual choice, because a \
short Lua script can refill and take tokens atomically:

```lua
local key = KEYS[1]
local rate = tonumber(ARGV[1])
local capacity = tonumber(ARGV[2])
local now = tonumber(ARGV[3])
local amount = tonumber(ARGV[4])

local state = redis.call("HMGET", key, "tokens", "updated")
local tokens = tonumber(state[1]) or capacity
local updated = tonumber(state[2]) or now

tokens = math.min(capacity, tokens + (now - updated) * rate)
if tokens < amount then
  return tostring((amount - tokens) / rate)  -- seconds to wait
end
redis.call("HSET", key, "tokens", tokens - amount, "updated", now)
redis.call("EXPIRE", key, math.ceil(capacity / rate) * 2)
return "0"
```

The client calls the script, sleeps for the returned delay if it is positive, and tries \
again. Two things to watch out for:

- **Clock skew**: pass the time from one place (the Redis server's `TIME`), not from each \
worker, or a worker with a fast clock will steal capacity.
- **Fairness**: a worker that retries in a tight loop wins more often. Add a little jitter \
to the sleep so that waiting workers spread out.

If you would rather avoid Redis, a simpler option works for small deployments: give each \
of the *n* workers `rpm / n` and accept that some capacity goes unused when the load is \
uneven.

### Choosing the numbers

| Setting | Typical value | Why |
|---------|--------------:|-----|
| `rpm` | 60–500 | depends on the account tier |
| `tpm` | 32k–2M | long contexts use it up quickly |
| burst (`capacity`) | 10–20 % of a minute | absorbs short spikes without a 429 |
| max attempts | 4 | about 30 s of backoff in total |
| base delay | 0.5 s | short enough to feel responsive |

In the browser, the same idea fits in a few lines of JavaScript:

```javascript
class TokenBucket {
  constructor(rate, capacity) {
    this.rate = rate;
    this.capacity = capacity;
    this.tokens = capacity;
    this.updated = performance.now() / 1000;
  }

  async acquire(amount = 1) {
    for (;;) {
      const now = performance.now() / 1000;
      this.tokens = Math.min(this.capacity, this.tokens + (now - this.updated) * this.rate);
      this.updated = now;
      if (this.tokens >= amount) {
        this.tokens -= amount;
        return;
      }
      await new Promise((r) => setTimeout(r, ((amount - this.tokens) / this.rate) * 1000));
    }
  }
}
```

### Common mistakes

1. Sleeping *inside* the lock for the whole backoff, which blocks every other request \
even when they would fit.
2. Counting tokens of the prompt only — the completion counts against `tpm` too.
3. Retrying `400 Bad Request`: it will fail the same way every time, so surface it at once.
4. Forgetting that streaming responses report usage only at the end of the stream.

## Summary

- Use a **token bucket** per limit (requests and tokens).
- Take capacity *before* sending; reconcile with the real usage afterwards.
- Treat `429` as normal: honour `Retry-After`, back off with jitter, cap the attempts.
- Test with a fake clock so the suite stays fast and deterministic.
- Share the bucket (for example in Redis) when several processes use one key.

If you tell me which endpoint and tier you are on, I can suggest concrete `rpm` and \
`tpm` values — the limits differ between the official Moonshot API and the resellers.
"""
