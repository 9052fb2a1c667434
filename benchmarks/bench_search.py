"""Full-text search over a large history: 100,000 stored messages.

The history (2,000 conversations of 50 messages, realistic word frequencies,
code in a third of the replies, every fourth conversation in Chinese; 2,000
messages with ``--quick``) is generated once into the cache directory through
the app's own store, FTS triggers and all.

Each query of :data:`QUERIES` goes through ``HistoryService.search``, the call
the sidebar's search box makes (query parsing, title hits, message hits with
snippets, joins; up to 200 hits). The baseline, run alternately with it, is the
bare FTS5 lookup the search is built on: ``SELECT rowid ... MATCH ... ORDER BY
rowid DESC LIMIT 200`` on the trigram index, or on the index of characters and
pairs for words too short for trigrams, on a second connection to the same file.
The figure is the slowest query's median time; every query's time is in the
details, the slowest ones printed under the table.

Run: ``python benchmarks/bench_search.py [--quick] [--runs N] [--json PATH]``.
"""

from __future__ import annotations

import random
import re
import sqlite3
import sys
import time
from itertools import accumulate
from pathlib import Path
from typing import TYPE_CHECKING

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.harness import Budget, Figure, Options, median, parse_options, report

if TYPE_CHECKING:
    from kimi_desktop.store.db import Database

FULL_MESSAGES = 100_000
QUICK_MESSAGES = 2_000
LIMIT = 200  # what HistoryService.search asks the store for
REPEATS = 5  # queries are fast: several timings per run, the median of them kept
DATASET_VERSION = 1  # bump when the generator changes

SEARCH = "search"
SEARCH_BUDGET = Budget(30)
FIGURES = ((SEARCH, "ms", SEARCH_BUDGET),)

#: What people type: a common word, a rarer one, two and three words, a
#: half-typed word, an identifier, words too short for the trigram index (two
#: common ones, a frequent two-character Chinese word, and one found nowhere,
#: which a scan would read every message for), Chinese words of three and four
#: characters alone, words of three and two characters together, and a word
#: that matches nothing.
QUERIES = (
    "function",
    "keyring",
    "the window",
    "stream timeout",
    "quota balance exceeded",
    "asyn",
    "flush_buffer",
    "Qt",
    "C#",
    "F#",
    "模型",
    "上下文",
    "输出格式",
    "数据库 性能",
    "zyxwvut",
)

#: Queries that must find something, and those that must find nothing.
_MUST_FIND = ("function", "Qt", "C#", "模型", "上下文", "输出格式", "数据库 性能")
_MUST_MISS = ("zyxwvut", "F#")

# Chinese technical prose: words by rough frequency (Zipf-like weights, as in
# benchmarks.corpus), written without spaces, with English names mixed in.
_CHINESE_TEXT = """
的 是 在 了 我 你 这个 一个 可以 我们 使用 问题 代码 模型 数据 函数 方法 文件 需要 如果
然后 因为 所以 但是 或者 已经 进行 实现 通过 配置 参数 变量 结果 输出 输入 接口 网络 请求
服务器 用户 返回 错误 时间 连接 超时 重试 状态 缓存 内存 进程 线程 异步 同步 窗口 界面 组件
渲染 文本 搜索 索引 查询 表格 数据库 性能 延迟 测试 版本 更新 安装 部署 容器 镜像 集群 上下文
思考 推理 训练 令牌 余额 额度 账户 密钥 安全 权限 日志 调试 编译 运行 执行 加载 保存 读取
写入 解析 格式 转换 验证 编码 解码 图片 上传 下载 文档 示例 说明 建议 注意 比较 简单 复杂
快速 重要 不同 可能 具体 常见 默认 选项 路径 目录 列表 字典 数组 对象 类型 字符串 整数 循环
条件 分支 递归 算法 结构 设计 架构 模式 框架 依赖 模块 导入 插件 扩展 主题 字体 颜色 样式
布局 滚动 点击 粘贴 选择 焦点 大小 流式 输出格式 提示词 向量 嵌入 微调 量化 显存
"""
_CHINESE_WORDS = _CHINESE_TEXT.split()
_CHINESE_CUMULATIVE = list(accumulate(1 / (rank + 2) for rank in range(len(_CHINESE_WORDS))))
_ENDINGS = "。。。。？！："  # noqa: RUF001 (Chinese punctuation, full width on purpose)
_NAMES = ("Python", "Rust", "C#", "Go", "Qt", "API", "JSON", "SQL", "HTTP", "GPU", "Kimi")


def _chinese_sentence(rng: random.Random, low: int = 6, high: int = 20) -> str:
    words = rng.choices(_CHINESE_WORDS, cum_weights=_CHINESE_CUMULATIVE, k=rng.randint(low, high))
    if rng.random() < 0.3:
        words.insert(rng.randrange(len(words)), f" {rng.choice(_NAMES)} ")
    return "".join(words) + rng.choice(_ENDINGS)


def _chinese_paragraph(rng: random.Random, sentences: tuple[int, int]) -> str:
    return "".join(_chinese_sentence(rng) for _ in range(rng.randint(*sentences)))


def _title(text: str) -> str:
    line = text.splitlines()[0]
    return line if len(line) <= 60 else line[:59].rstrip() + "…"


def search_history(cache_dir: Path, messages: int, per_conversation: int = 50) -> Path:
    """A history of ``messages`` messages in conversations of ``per_conversation``,
    every fourth conversation in Chinese; built once, then kept in ``cache_dir``.

    The file name carries the schema version, so a new migration builds a fresh
    file rather than migrating one that was indexed here.
    """
    from benchmarks import corpus
    from benchmarks.datasets import _building, _Clock
    from kimi_desktop.store.conversations import ConversationRepository
    from kimi_desktop.store.db import Database
    from kimi_desktop.store.migrations import LATEST_VERSION

    name = f"search-mixed-{messages}-schema{LATEST_VERSION}-v{DATASET_VERSION}.sqlite3"
    path = cache_dir / name
    if path.exists():
        return path
    rng = random.Random(messages)
    with _building(path) as partial, Database.open(partial) as database:
        _add_short_term_index(database)
        repository = ConversationRepository(database, clock=_Clock(7.0))
        with database.transaction():
            written = 0
            while written < messages:
                chinese = rng.random() < 0.25
                first = _chinese_sentence(rng) if chinese else corpus.question(rng)
                conversation = repository.create_conversation(_title(first), model="kimi-k2.5")
                for index in range(min(per_conversation, messages - written)):
                    if index == 0:
                        text = first
                    elif index % 2 == 0:
                        text = (
                            "".join(_chinese_sentence(rng) for _ in range(rng.randint(1, 3)))
                            if chinese
                            else corpus.question(rng)
                        )
                    else:
                        text = (
                            _chinese_paragraph(rng, (3, 8))
                            if chinese
                            else corpus.paragraph(rng, (3, 8))
                        )
                        if rng.random() < 0.3:
                            text += "\n\n" + corpus.code_block(rng, lines=(3, 10))
                    role = "user" if index % 2 == 0 else "assistant"
                    repository.add_message(conversation.id, role, text)
                    written += 1
    return path


def _add_short_term_index(database: Database) -> None:
    """Give a history whose schema predates the index of characters and pairs that
    index, as its migration does (a no-op once the schema has it)."""
    from kimi_desktop.store.search_index import has_index, m006_short_term_search

    with database.read() as conn:
        if has_index(conn):
            return
    with database.transaction() as conn:
        m006_short_term_search(conn)


def _index_mb(database: Database) -> dict[str, float]:
    """The size of each search index in the file (SQLite's dbstat), in MB."""
    try:
        with database.read() as conn:
            rows = conn.execute(
                "SELECT name, SUM(pgsize) FROM dbstat"
                " WHERE name LIKE 'messages%fts%' OR name LIKE 'conversations_fts%'"
                " GROUP BY name"
            ).fetchall()
    except sqlite3.Error:  # an SQLite built without dbstat
        return {}
    sizes: dict[str, float] = {}
    for name, size in rows:
        table = re.sub("_(data|idx|content|docsize|config)$", "", name)
        sizes[table] = sizes.get(table, 0.0) + size / 1e6
    return {table: round(size, 1) for table, size in sorted(sizes.items())}


def _bare(conn: sqlite3.Connection, query: str) -> int:
    from kimi_desktop.store.search import parse_query
    from kimi_desktop.store.search_index import INDEX_TABLE, match_expression

    parsed = parse_query(query)
    if parsed.short:
        rows = conn.execute(
            f"SELECT rowid FROM {INDEX_TABLE} WHERE {INDEX_TABLE} MATCH ?"
            " ORDER BY rowid DESC LIMIT ?",
            (match_expression(parsed.words), LIMIT),
        ).fetchall()
    else:
        rows = conn.execute(
            "SELECT rowid FROM messages_fts WHERE messages_fts MATCH ? ORDER BY rowid DESC LIMIT ?",
            (parsed.match_expression(), LIMIT),
        ).fetchall()
    return len(rows)


def _timed_ms(fn: object, repeats: int = REPEATS) -> tuple[float, int]:
    assert callable(fn)
    times = []
    found = 0
    for _ in range(repeats):
        start = time.perf_counter()
        found = len(fn())
        times.append((time.perf_counter() - start) * 1000)
    return median(times), found


def measure(options: Options) -> list[Figure]:
    from kimi_desktop.services.history import HistoryService
    from kimi_desktop.store.conversations import ConversationRepository
    from kimi_desktop.store.db import Database

    count = QUICK_MESSAGES if options.quick else FULL_MESSAGES
    generated = time.perf_counter()
    path = search_history(options.cache_dir, count)
    generated = time.perf_counter() - generated
    database = Database.open(path)
    _add_short_term_index(database)
    history = HistoryService(ConversationRepository(database))
    bare = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    per_query: dict[str, dict[str, object]] = {}
    app_runs: list[float] = []
    base_runs: list[float] = []
    errors: list[str] = []
    try:
        for query in QUERIES:  # warm the page cache, unmeasured
            history.search(query)
            _bare(bare, query)
        app_times: dict[str, list[float]] = {q: [] for q in QUERIES}
        base_times: dict[str, list[float]] = {q: [] for q in QUERIES}
        hits: dict[str, int] = {}
        for _ in range(options.runs):
            for query in QUERIES:
                base_ms, _found = _timed_ms(lambda q=query: range(_bare(bare, q)))
                app_ms, found = _timed_ms(lambda q=query: history.search(q))
                base_times[query].append(base_ms)
                app_times[query].append(app_ms)
                hits[query] = found
            app_runs.append(max(median(app_times[q][-1:]) for q in QUERIES))
            base_runs.append(max(median(base_times[q][-1:]) for q in QUERIES))
        for query in QUERIES:
            per_query[query] = {
                "ms": round(median(app_times[query]), 3),
                "baseline_ms": round(median(base_times[query]), 3),
                "hits": hits[query],
            }
        if any(hits[q] == 0 for q in _MUST_FIND) or any(hits[q] for q in _MUST_MISS):
            errors.append(f"unexpected hit counts: {hits}")
    finally:
        index_mb = _index_mb(database)
        bare.close()
        database.close()
    worst = max(QUERIES, key=lambda q: float(per_query[q]["ms"]))  # type: ignore[arg-type]
    return [
        Figure(
            SEARCH,
            "ms",
            float(per_query[worst]["ms"]),  # type: ignore[arg-type]
            SEARCH_BUDGET,
            baseline=float(per_query[worst]["baseline_ms"]),  # type: ignore[arg-type]
            baseline_label=f"bare FTS5 MATCH on the same file (slowest query: {worst!r})",
            samples=app_runs,
            baseline_samples=base_runs,
            errors=errors,
            details={
                "messages": count,
                "database_mb": round(path.stat().st_size / 1e6, 1),
                "index_mb": index_mb,
                "generation_s": round(generated, 2),
                "queries": per_query,
            },
        )
    ]


def main(argv: list[str] | None = None) -> int:
    options = parse_options(__doc__.splitlines()[0], argv)
    return report(measure(options), options)


if __name__ == "__main__":
    sys.exit(main())
