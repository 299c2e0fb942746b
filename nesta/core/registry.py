"""The app registry: how a domain app plugs into the platform without core knowing it.

Each app fills the registry from its `AppConfig.ready()` (see docs/new-app.md). Core and the
management commands only iterate what is registered here; they never import an app.

    from nesta.core.registry import registry
    registry.permissions("instruments", {"instrument.create": {Role.OFFICE: Scope.ALL}}, public={"instrument.view"})
    registry.reference_loader("instrument categories", load_instruments_reference, order=40)
    registry.search_type("instrument", instruments_reindex)
    registry.audit_object_type("instruments.booking", _("预约"), fields={"status": _("状态")})
    registry.audit_event("booking.cancelled", _("取消预约"))
    registry.demo_provider("instruments", load_demo_instruments, after=("directory",))
    registry.nav_item("instruments", _("仪器共享"), "instruments:list", "/instruments/", order=40)
    registry.home_section("instruments", "instruments/_home_section.html", context_fn, order=40)
    registry.periodic_job("instruments.tick", instruments_tick, every_seconds=300)
    registry.job_kind("instruments.import", run_import_job, label=_("导入仪器"))
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class ReferenceLoader:
    label: str
    load: Callable[[], Any]
    order: int


@dataclass(frozen=True)
class SearchType:
    doc_type: str
    # reindex(progress=callable(done: int) | None) -> number of records indexed
    reindex: Callable[..., int]


@dataclass(frozen=True)
class AuditObjectType:
    object_type: str  # "app_label.model_name", as AuditLog.object_type stores it
    label: Any  # lazy translated label
    fields: dict[str, Any] = field(default_factory=dict)  # field name → lazy translated label


@dataclass(frozen=True)
class DemoProvider:
    name: str
    # load(scale: int, seed: int, say: callable(str)) -> dict of counts
    load: Callable[..., dict[str, Any]]
    after: tuple[str, ...] = ()


@dataclass(frozen=True)
class NavItem:
    key: str
    label: Any
    url_name: str
    prefix: str  # a path prefix that marks the item active ("" = exact match on the url)
    order: int = 100


@dataclass(frozen=True)
class HomeSection:
    key: str
    template: str
    # context(request) -> dict merged into the section's template context
    context: Callable[[Any], dict[str, Any]]
    order: int = 100
    # where on the home page: "hero" (a tile beside the lead), "aside" (the column beside the
    # priority areas) or "main" (full width, after them)
    slot: str = "main"


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    # run(now: datetime | None = None) -> anything printable (counts)
    run: Callable[..., Any]
    every_seconds: int


@dataclass(frozen=True)
class JobKind:
    kind: str
    # run(job: nesta.core.tasks.JobContext) -> JSON-able result (a file via job.save_file)
    run: Callable[..., Any]
    label: Any  # lazy translated label, shown on the job page
    # the app's template of the job's outcome (result or failure), included on the job page
    result_template: str = ""


class AlreadyRegistered(Exception):
    pass


class Registry:
    def __init__(self) -> None:
        self.clear()

    def clear(self) -> None:
        self._policy: dict[str, dict[str, str]] = {}
        self._policy_owner: dict[str, str] = {}
        self._public: set[str] = set()
        self._reference: dict[str, ReferenceLoader] = {}
        self._search: dict[str, SearchType] = {}
        self._audit_types: dict[str, AuditObjectType] = {}
        self._audit_events: dict[str, Any] = {}
        self._demo: dict[str, DemoProvider] = {}
        self._nav: dict[str, NavItem] = {}
        self._home: dict[str, HomeSection] = {}
        self._jobs: dict[str, PeriodicJob] = {}
        self._token_user: Callable[[str], Any] | None = None
        self._job_kinds: dict[str, JobKind] = {}

    # --- registration (from AppConfig.ready) ------------------------------------------------

    def permissions(self, app: str, rows: dict[str, dict[str, str]], *, public: Iterable[str] = ()) -> None:
        """An app's rows of the role × scope policy, and the actions anyone may do."""
        for action, allowed in rows.items():
            owner = self._policy_owner.get(action)
            if owner is not None and owner != app:
                raise AlreadyRegistered(f"permission {action!r} is declared by {owner!r} and {app!r}")
            self._policy[action] = {str(role): str(scope) for role, scope in allowed.items()}
            self._policy_owner[action] = app
        self._public.update(public)

    def reference_loader(self, label: str, load: Callable[[], Any], *, order: int = 100) -> None:
        self._reference[label] = ReferenceLoader(label, load, order)

    def search_type(self, doc_type: str, reindex: Callable[..., int]) -> None:
        self._search[doc_type] = SearchType(doc_type, reindex)

    def audit_object_type(self, object_type: str, label: Any, *, fields: dict[str, Any] | None = None) -> None:
        self._audit_types[object_type] = AuditObjectType(object_type, label, dict(fields or {}))

    def audit_model(self, model: Any, *, fields: dict[str, Any] | None = None) -> None:
        """audit_object_type for a model: its verbose name, and its fields' verbose names as the
        field labels (plus `fields`, for keys of `changes` that are not model fields)."""
        meta = model._meta
        labels = {f.name: f.verbose_name for f in [*meta.concrete_fields, *meta.many_to_many]}
        labels.update(fields or {})
        self.audit_object_type(f"{meta.app_label}.{meta.model_name}", meta.verbose_name, fields=labels)

    def audit_event(self, name: str, label: Any) -> None:
        self._audit_events[name] = label

    def demo_provider(self, name: str, load: Callable[..., dict[str, Any]], *, after: Iterable[str] = ()) -> None:
        self._demo[name] = DemoProvider(name, load, tuple(after))

    def nav_item(self, key: str, label: Any, url_name: str, prefix: str, *, order: int = 100) -> None:
        self._nav[key] = NavItem(key, label, url_name, prefix, order)

    def home_section(
        self,
        key: str,
        template: str,
        context: Callable[[Any], dict[str, Any]],
        *,
        order: int = 100,
        slot: str = "main",
    ) -> None:
        self._home[key] = HomeSection(key, template, context, order, slot)

    def periodic_job(self, name: str, run: Callable[..., Any], *, every_seconds: int) -> None:
        self._jobs[name] = PeriodicJob(name, run, every_seconds)

    def job_kind(self, kind: str, run: Callable[..., Any], *, label: Any, result_template: str = "") -> None:
        """A kind of background job (core.BackgroundJob) that core.tasks runs on the worker;
        `result_template` (optional) shows its outcome on the job page, beside the generic one."""
        self._job_kinds[kind] = JobKind(kind, run, label, result_template)

    def token_authenticator(self, user_for_key: Callable[[str], Any]) -> None:
        """How a Bearer token becomes a user (`user_for_key(key) -> user | None`): the accounts app's."""
        self._token_user = user_for_key

    # --- reading --------------------------------------------------------------------------

    @property
    def policy(self) -> dict[str, dict[str, str]]:
        return self._policy

    @property
    def public_actions(self) -> frozenset[str]:
        return frozenset(self._public)

    def permission_owner(self, action: str) -> str | None:
        """The app that declared `action`'s row of the policy."""
        return self._policy_owner.get(action)

    def is_public(self, action: object) -> bool:
        """May anyone, logged in or not, do `action`? (No set is built: `can` asks this per call.)"""
        return action in self._public

    def reference_loaders(self) -> list[ReferenceLoader]:
        return sorted(self._reference.values(), key=lambda r: (r.order, r.label))

    def search_types(self) -> list[SearchType]:
        return list(self._search.values())

    def audit_object_types(self) -> list[AuditObjectType]:
        return sorted(self._audit_types.values(), key=lambda t: t.object_type)

    def audit_object_type_of(self, object_type: str) -> AuditObjectType | None:
        return self._audit_types.get(object_type)

    def audit_event_label(self, name: str) -> Any:
        return self._audit_events.get(name)

    def audit_events(self) -> dict[str, Any]:
        return dict(self._audit_events)

    def demo_providers(self) -> list[DemoProvider]:
        """Providers ordered so that each comes after the ones it needs (stable by name)."""
        ordered: list[DemoProvider] = []
        done: set[str] = set()
        pending = dict(sorted(self._demo.items()))
        while pending:
            ready = [p for p in pending.values() if all(a in done or a not in self._demo for a in p.after)]
            if not ready:
                raise ValueError(f"demo providers depend on each other in a cycle: {sorted(pending)}")
            for p in ready:
                ordered.append(p)
                done.add(p.name)
                del pending[p.name]
        return ordered

    def nav_items(self) -> list[NavItem]:
        return sorted(self._nav.values(), key=lambda n: (n.order, n.key))

    def home_sections(self, slot: str | None = None) -> list[HomeSection]:
        sections = [s for s in self._home.values() if slot is None or s.slot == slot]
        return sorted(sections, key=lambda s: (s.order, s.key))

    def user_for_token(self, key: str) -> Any:
        """The user a Bearer token belongs to, or None (also None when no app authenticates tokens)."""
        return self._token_user(key) if self._token_user is not None else None

    def periodic_jobs(self) -> list[PeriodicJob]:
        return sorted(self._jobs.values(), key=lambda j: j.name)

    def job_kind_of(self, kind: str) -> JobKind | None:
        return self._job_kinds.get(kind)

    def job_kinds(self) -> list[JobKind]:
        return sorted(self._job_kinds.values(), key=lambda k: k.kind)


registry = Registry()
