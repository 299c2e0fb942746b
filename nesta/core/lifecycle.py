"""Lifecycles: one declarative table of transitions per model, run one way.

A model's workflow is a `Lifecycle` — its transitions, each naming the states it starts from,
the state it leads to, the permission it needs, the timestamp it sets, its named audit event
(with a zh/en label, registered with the app registry) and who hears about it. Services run a
transition through `Lifecycle.run()`; the selector "what may this user do now"
(`Lifecycle.available()`), the web buttons and POST views (core.generic.transition) and the API
endpoints are all derived from the same table, so they cannot disagree.

    BOOKING = Lifecycle(Booking, [
        Transition("approve", sources=("pending",), target="confirmed", permission="instrument.manage",
                   event="booking.approved", label=_("批准预约"), verb=_("批准"), notify=tell_booker),
        ...
    ], related=("instrument__province", "user"))

    booking = BOOKING.run("approve", actor=user, obj_id=42)

`run()` locks and reloads the row inside write_transaction(), checks permission (401/403) and
state (409 `invalid_state`, with the current and the allowed states), runs the guard, sets the
target state, the timestamp and the given fields, saves, audits the named event with the diff,
and calls the transition's `notify`: notify() writes the in-app message in the same transaction
(it exists exactly when the change does) and queues its e-mail with transaction.on_commit, so a
rolled-back step tells no one.
"""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from nesta.core.audit import audit_record
from nesta.core.errors import Conflict, DomainError, NotFound
from nesta.core.permissions import can, require
from nesta.core.transactions import write_transaction

# notify(obj, actor) / guard(obj, actor, now) -> a domain error to raise, or None / divert(obj, actor, now) -> name
Notify = Callable[[Any, Any], None]
Guard = Callable[[Any, Any, datetime], DomainError | None]
Divert = Callable[[Any, Any, datetime], str | None]


class LifecycleError(Exception):
    """A transition table that does not fit its model (raised when the table is declared)."""


@dataclass(frozen=True)
class Transition:
    name: str
    sources: tuple[str, ...]
    target: str
    permission: str
    timestamp: str | None = None
    event: str = ""  # the named audit event, e.g. "booking.cancelled" (default "<model>.<name>")
    label: Any = ""  # the event's label (zh, translated): "取消预约"
    verb: Any = ""  # the button and the "cannot …" text: "取消" (default: the label)
    notify: Notify | None = None
    guard: Guard | None = None
    # Whose permission is checked on what: by default `permission` on the object itself;
    # `permission_on(obj)` names another target (the order's instrument).
    permission_on: Callable[[Any], Any] | None = None
    # The user whose id is in this attribute may take the step without the permission (the booker).
    or_self: str | None = None
    # After the checks, a transition may hand over to another of the table's (a late cancellation).
    divert: Divert | None = None
    offered: bool = True  # False: reached only through `divert`; no button or endpoint of its own
    needs_input: bool = False  # a form (an amount, a file), not a bare button
    style: str = "outline-primary"  # the web button's Bootstrap style
    confirm: Any = None  # the web button asks this before posting
    done: Any = None  # the web's success message
    summary: Any = None  # the API operation's summary

    def __post_init__(self) -> None:
        object.__setattr__(self, "sources", tuple(str(s) for s in self.sources))
        object.__setattr__(self, "target", str(self.target))

    @property
    def verb_text(self) -> Any:
        return self.verb or self.label


def _diff_value(value: Any) -> Any:
    if value is None or isinstance(value, (bool, int, float)):
        return value
    if isinstance(value, models.Model):
        return value.pk
    return str(value)


@dataclass
class Lifecycle:
    model: type[models.Model]
    transitions: Sequence[Transition]
    state_field: str = "status"
    related: tuple[str, ...] = ()  # select_related of the locked reload (what checks and notify read)
    # "<what> is “%(s)s”, cannot %(a)s." — the 409 message, with the state's and the verb's labels
    invalid_message: Any = _("当前状态为“%(s)s”，不能%(a)s。")
    events: dict[str, Any] = field(default_factory=dict)  # the model's other named events (created, …)
    register_events: bool = True  # into the app registry on declaration (tests' scratch tables say False)
    by_name: dict[str, Transition] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.transitions = tuple(self.transitions)
        self.by_name = {}
        self._validate()
        if self.register_events:
            ALL.append(self)
            self.register()

    # --- the table ------------------------------------------------------------------------

    @property
    def object_type(self) -> str:
        meta = self.model._meta
        return f"{meta.app_label}.{meta.model_name}"

    @property
    def states(self) -> dict[str, Any]:
        """{state: its label} from the state field's choices."""
        return {str(k): v for k, v in self.model._meta.get_field(self.state_field).choices or []}

    def _validate(self) -> None:
        name = self.model.__name__
        try:
            self.model._meta.get_field(self.state_field)
        except Exception as exc:
            raise LifecycleError(f"{name} has no state field {self.state_field!r}") from exc
        states = self.states
        if not states:
            raise LifecycleError(f"{name}.{self.state_field} has no choices to move between")
        events: set[str] = set()
        for t in self.transitions:
            if t.name in self.by_name:
                raise LifecycleError(f"{name}: transition {t.name!r} is declared twice")
            if not t.sources:
                raise LifecycleError(f"{name}.{t.name}: no source states")
            unknown = [s for s in (*t.sources, t.target) if s not in states]
            if unknown:
                raise LifecycleError(f"{name}.{t.name}: unknown states {unknown}")
            if not t.permission:
                raise LifecycleError(f"{name}.{t.name}: no permission action")
            if t.timestamp is not None:
                try:
                    ts = self.model._meta.get_field(t.timestamp)
                except Exception as exc:
                    raise LifecycleError(f"{name}.{t.name}: no timestamp field {t.timestamp!r}") from exc
                if not isinstance(ts, models.DateTimeField):
                    raise LifecycleError(f"{name}.{t.name}: {t.timestamp!r} is not a DateTimeField")
            if t.or_self is not None and not hasattr(self.model, t.or_self):
                raise LifecycleError(f"{name}.{t.name}: no attribute {t.or_self!r}")
            event = t.event or f"{self.model._meta.model_name}.{t.name}"
            if event in events:
                raise LifecycleError(f"{name}.{t.name}: audit event {event!r} is used twice")
            if len(event) > 60:
                raise LifecycleError(f"{name}.{t.name}: audit event {event!r} is longer than 60 characters")
            events.add(event)
            if not t.event:
                object.__setattr__(t, "event", event)
            self.by_name[t.name] = t
        offered = {t.name for t in self.transitions if t.offered}
        if not offered:
            raise LifecycleError(f"{name}: no transition is offered")

    def register(self) -> None:
        """The table's audit events and their labels, into the app registry (idempotent)."""
        from nesta.core.registry import registry

        for t in self.transitions:
            registry.audit_event(t.event, t.label or t.name)
        for name, label in self.events.items():
            registry.audit_event(name, label)

    def transition(self, name: str) -> Transition:
        try:
            return self.by_name[name]
        except KeyError:
            raise LookupError(f"{self.model.__name__} has no transition {name!r}") from None

    def offered(self) -> list[Transition]:
        """The transitions a person can ask for (buttons, endpoints), in table order."""
        return [t for t in self.transitions if t.offered]

    # --- who may do what now --------------------------------------------------------------

    def state_of(self, obj: Any) -> str:
        return str(getattr(obj, self.state_field))

    def _permission_target(self, t: Transition, obj: Any) -> Any:
        return t.permission_on(obj) if t.permission_on else obj

    def may(self, actor: Any, obj: Any, t: Transition) -> bool:
        """May `actor` take `t` on `obj` as far as permissions go (whatever its state)?"""
        if t.or_self and getattr(actor, "pk", None) is not None and getattr(obj, t.or_self) == actor.pk:
            return True
        return can(actor, t.permission, self._permission_target(t, obj))

    def available(self, actor: Any, obj: Any) -> list[Transition]:
        """What `actor` may do to `obj` now: the offered transitions from its state that they
        are allowed (no query beyond the actor's grants, read once per user)."""
        state = self.state_of(obj)
        return [t for t in self.offered() if state in t.sources and self.may(actor, obj, t)]

    def _require(self, actor: Any, obj: Any, t: Transition) -> None:
        if t.or_self and getattr(actor, "pk", None) is not None and getattr(obj, t.or_self) == actor.pk:
            return
        require(actor, t.permission, self._permission_target(t, obj))

    def invalid_state(self, obj: Any, t: Transition) -> Conflict:
        states = self.states
        state = self.state_of(obj)
        return Conflict(
            str(self.invalid_message) % {"s": states.get(state, state), "a": t.verb_text},
            code="invalid_state",
            details={"status": state, "allowed": list(t.sources), "transition": t.name},
        )

    # --- running one ----------------------------------------------------------------------

    def load_for_update(self, obj_id: Any) -> Any:
        qs = self.model._default_manager.select_for_update(of=("self",))
        if self.related:
            qs = qs.select_related(*self.related)
        obj = qs.filter(pk=obj_id).first() if obj_id is not None else None
        if obj is None:
            raise NotFound()
        return obj

    def run(
        self,
        name: str,
        *,
        actor: Any,
        obj_id: Any = None,
        obj: Any = None,
        now: datetime | None = None,
        prepare: Callable[[Any, Transition], None] | None = None,
        effect: Callable[[Any, Transition], None] | None = None,
        system: bool = False,
        **fields: Any,
    ) -> Any:
        """Take transition `name` on the object (by id, or the given one reloaded under lock).

        `system=True` is the platform acting on its own (a periodic job, actor None): no
        permission is checked, everything else is.

        `prepare(obj, transition)` runs after the checks and before the save (it may set more
        fields or raise); `effect(obj, transition)` after the save and audit, in the same
        transaction (a usage session, a charge). Returns the saved object."""
        t = self.transition(name)
        now = now or timezone.now()
        with write_transaction():
            obj = self.load_for_update(obj_id if obj is None else obj.pk)
            if not system:
                self._require(actor, obj, t)
            if self.state_of(obj) not in t.sources:
                raise self.invalid_state(obj, t)
            if t.guard is not None and (error := t.guard(obj, actor, now)) is not None:
                raise error
            if t.divert is not None and (other := t.divert(obj, actor, now)):
                t = self.transition(other)
            if prepare is not None:
                prepare(obj, t)
            self._apply(obj, t, actor=actor, now=now, fields=fields)
            if effect is not None:
                effect(obj, t)
            if t.notify is not None:
                t.notify(obj, actor)
        return obj

    def _apply(self, obj: Any, t: Transition, *, actor: Any, now: datetime, fields: dict[str, Any]) -> None:
        old = self.state_of(obj)
        changes: dict[str, list[Any]] = {self.state_field: [old, t.target]}
        for name, value in fields.items():
            before = getattr(obj, name)
            setattr(obj, name, value)
            if _diff_value(before) != _diff_value(value):
                changes[name] = [_diff_value(before), _diff_value(value)]
        if t.timestamp:
            setattr(obj, t.timestamp, now)
        setattr(obj, self.state_field, t.target)
        obj.save()
        audit_record(actor=actor, action=t.event, instance=obj, changes=changes)


# Every declared lifecycle (the registry of events and the tests iterate them).
ALL: list[Lifecycle] = []


def lifecycles() -> Iterable[Lifecycle]:
    return tuple(ALL)
