"""Engine: the facade other packages use. It builds the services and nothing more."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.orm import sessionmaker

from .clock import Clock, EngineClock, SystemClock
from .commands import CommandExecutor, make_sql_engine
from .documents import DocumentService
from .history import HistoryService
from .identity import IdentityService
from .management import ManagementService
from .messages import MessageService
from .outbox import Dispatcher, OutboxService
from .repository import RepositoryService
from .retries import RetryPolicy
from .runtime import RuntimeService
from .sandbox_pool import PoolLimits, shared_pool
from .scripting import Service
from .sessions import SessionService
from .signals import SignalService
from .steps import Runner
from .summaries import Summarizer
from .tasks import TaskService
from .timers import TimerService


@dataclass(frozen=True)
class EngineConfig:
    database_url: str
    clock: Clock = field(default_factory=SystemClock)
    services: Mapping[str, Service] = field(default_factory=dict)
    dispatchers: Mapping[str, Dispatcher] = field(default_factory=dict)
    retries: RetryPolicy = field(default_factory=RetryPolicy)
    script_time_limit: float = 1.0
    # The sandbox processes scripts and expressions run in (how many, their limits).
    sandbox: PoolLimits = field(default_factory=PoolLimits)
    # The characters an instance's stored state may take (its data in every live token).
    max_instance_data: int = 16 * 2**20
    # Where durations are counted on the calendar (J-7, one month) and deadlines are read.
    timezone: str = "Europe/Paris"
    # By process id: what each step keeps of an instance for lists and figures (summaries.py).
    summaries: Mapping[str, Summarizer] = field(default_factory=dict)
    # How long a message an instance throws, that no catch waits for, is kept for the first
    # matching catch to open (zero: dropped at once).
    message_ttl: timedelta = timedelta(hours=1)


class Engine:
    """The only object other packages import from the engine (with its config and errors)."""

    def __init__(self, config: EngineConfig) -> None:
        self.config = config
        self.clock = clock = EngineClock(config.clock)
        self._sql = make_sql_engine(config.database_url)
        readers = None
        if self._sql.dialect.name == "sqlite":
            self._sql_reads = make_sql_engine(config.database_url, for_reads=True)
            readers = sessionmaker(self._sql_reads, expire_on_commit=False)
        executor = CommandExecutor(
            sessionmaker(self._sql, expire_on_commit=False),
            readers,
            one_writer=readers is not None,
            clock=clock,
        )
        runner = Runner(
            clock,
            dict(config.services),
            config.script_time_limit,
            ZoneInfo(config.timezone),
            shared_pool(config.sandbox),
            config.max_instance_data,
            dict(config.summaries),
            config.message_ttl,
        )
        self.repository = RepositoryService(executor, clock, services=config.services)
        self.runtime = RuntimeService(executor, runner)
        self.tasks = TaskService(executor, runner)
        self.messages = MessageService(executor, runner)
        self.signals = SignalService(executor, runner)
        self.timers = TimerService(executor, runner, clock, config.retries)
        self.outbox = OutboxService(executor, clock, config.retries, config.dispatchers)
        self.history = HistoryService(executor)
        self.documents = DocumentService(executor)
        self.identity = IdentityService(executor, clock)
        self.sessions = SessionService(executor, clock)
        self.management = ManagementService(
            self._sql,
            executor,
            clock,
            after_upgrade=self.runtime.summarize_missing,
            retry_instance=self.runtime.retry_in,
        )

    def close(self) -> None:
        self._sql.dispose()
        if getattr(self, "_sql_reads", None) is not None:
            self._sql_reads.dispose()
