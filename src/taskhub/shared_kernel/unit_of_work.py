"""The unit-of-work port every context's use cases open: one transaction, all or nothing.

A context's `application/ports.py` declares only what is its own, its repositories, on
a Protocol that extends `UnitOfWork`; use cases take a `UnitOfWorkFactory` of it. The
SQL adapter (`platform.unit_of_work.SqlUnitOfWork`) and the in-memory fakes
(`shared_kernel.staged_unit_of_work.StagedUnitOfWork`) both keep this promise: nothing
is written unless `commit()` is called, and on commit the events recorded on the unit
of work and on the aggregates it loaded go to the audit trail and the outbox in the
same transaction.
"""

from types import TracebackType
from typing import Protocol, Self, TypeVar

from taskhub.shared_kernel.events import DomainEvent, EventRecorder


class UnitOfWork(Protocol):
    def __enter__(self) -> Self: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Roll back whatever was not committed."""
        ...

    def track(self, *aggregates: EventRecorder) -> None:
        """Aggregates whose recorded events commit with this unit of work (besides those
        its repositories name themselves)."""
        ...

    def record(self, *events: DomainEvent) -> None:
        """Events that belong to no aggregate, handed on at commit."""
        ...

    def commit(self) -> None: ...


UnitOfWorkT_co = TypeVar("UnitOfWorkT_co", bound=UnitOfWork, covariant=True)


class UnitOfWorkFactory(Protocol[UnitOfWorkT_co]):
    def __call__(self, *, read_only: bool = False) -> UnitOfWorkT_co:
        """A new unit of work; `read_only` lets the database skip write locks for pure
        reads (and refuses `commit()`)."""
        ...
