"""Loading the demo directory: the generated organisations, people, experts and demo accounts
(nesta.demo.generator) written in bulk. Idempotent: records are keyed by reference_key and the
ones already present are skipped."""

import time
from collections.abc import Callable, Iterable

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import translation

from nesta.demo import names as N
from nesta.demo.generator import (
    MIN_SCALE,
    ORG_KEY,
    PERSON_KEY,
    OrgSpec,
    PersonSpec,
    demo_password,
    generate_accounts,
    generate_organizations,
    generate_people,
    people_count,
)


def _batches(items: list, size: int) -> Iterable[list]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _insert_links(through, owner_column: str, rows: list[tuple[int, int]]) -> None:
    """Many-to-many rows in one executemany: bulk_create's per-object work costs more than the insert."""
    from django.db import connection

    table = connection.ops.quote_name(through._meta.db_table)
    with connection.cursor() as cur:
        cur.executemany(f"INSERT INTO {table} ({owner_column}, taxonomynode_id) VALUES (%s, %s)", rows)


class Loader:
    """Writes generated records in bulk; `say` receives progress lines. The directory and the demo
    accounts only: the instruments are another provider (nesta.demo.instruments), run after this one
    by `manage.py demo_data` (nesta/demo/apps.py registers both)."""

    def __init__(
        self,
        scale: int,
        seed: int,
        say: Callable[[str], None] = print,
        batch_size: int = 5000,
    ):
        if scale < MIN_SCALE:
            raise ValueError(f"scale must be at least {MIN_SCALE}")
        self.scale, self.seed, self.say, self.batch_size = scale, seed, say, batch_size
        self.stats: dict[str, int] = {}

    # reference data, looked up once
    def _prepare(self) -> None:
        from nesta.core.models import Region, TaxonomyNode
        from nesta.directory.models import Organization

        self.regions = {r.code: r for r in Region.objects.all()}
        nodes = list(TaxonomyNode.objects.all())
        by_id = {n.pk: n for n in nodes}
        for n in nodes:  # cache the parent chain: search documents walk it
            n.parent = by_id.get(n.parent_id)
        self.nodes = {n.code: n for n in nodes}
        self.zones = {o.reference_key: o for o in Organization.objects.filter(reference_key__in=list(N.ZONE_DISTRICTS))}

    def already_loaded(self) -> bool:
        from nesta.directory.models import Organization, Person

        return (
            Organization.objects.filter(reference_key=ORG_KEY.format(self.scale - 1)).exists()
            and Person.objects.filter(reference_key=PERSON_KEY.format(people_count(self.scale) - 1)).exists()
        )

    def _progress(self, label: str, done: int, total: int) -> None:
        self.say(f"  {label} {done}/{total} ({100 * done // max(total, 1)}%)")

    def run(self) -> dict[str, int]:
        from nesta.core.reference import load_core_reference
        from nesta.directory.reference import load_directory_reference
        from nesta.programmes.reference import load_programmes_reference

        started = time.monotonic()
        load_core_reference()
        load_directory_reference()
        load_programmes_reference()
        if self.already_loaded():
            self.say(f"  demo data already loaded (scale {self.scale}, seed {self.seed})")
            self.stats["already_loaded"] = 1
        else:
            self._prepare()
            orgs = generate_organizations(self.scale, self.seed)
            self.say(f"  generated {len(orgs)} organisations in {time.monotonic() - started:.1f}s")
            org_objects = self._load_organizations(orgs)
            people = generate_people(orgs, self.seed)
            self._load_people(people, orgs, org_objects)
        self._load_accounts()
        self.stats["seconds"] = round(time.monotonic() - started)
        return self.stats

    def _load_organizations(self, specs: list[OrgSpec]) -> dict[int, object]:
        from nesta.core import search
        from nesta.directory.models import Organization, OrganizationKind
        from nesta.directory.services import organization_search_document

        existing = set(
            Organization.objects.filter(reference_key__startswith="demo-org-").values_list("reference_key", flat=True)
        )
        todo = [s for s in specs if s.key not in existing]
        through = Organization.fields.through
        with translation.override(settings.LANGUAGE_CODE):  # the index holds the Chinese labels
            kind_labels = {k: str(label) for k, label in OrganizationKind.choices}
        objects: dict[int, Organization] = {}
        done = 0
        for batch in _batches(todo, self.batch_size):
            orgs = [
                Organization(
                    name=s.name,
                    kind=s.kind,
                    province=self.regions[s.province_code],
                    city=self.regions[s.city_code],
                    address=s.address,
                    postal_code=s.postal_code,
                    contact_name=s.contact_name,
                    contact_phone=s.contact_phone,
                    contact_email=s.contact_email,
                    website=s.website,
                    description=s.description,
                    zone=self.zones.get(s.zone_key) if s.zone_key else None,
                    uscc=s.uscc,
                    is_private_tech_enterprise=s.is_private_tech_enterprise,
                    established_year=s.established_year,
                    reference_key=s.key,
                )
                for s in batch
            ]
            with transaction.atomic():
                Organization.objects.bulk_create(orgs, batch_size=1000)
                links, docs = [], []
                for s, org in zip(batch, orgs, strict=True):
                    nodes = [self.nodes[c] for c in s.fields]
                    links += [(org.pk, n.pk) for n in nodes]
                    # Django's get_FOO_display() rebuilds the choices dict on every call: look it up once.
                    org.get_kind_display = kind_labels[s.kind].__str__
                    docs.append(organization_search_document(org, nodes))
                    objects[s.index] = org
                _insert_links(through, "organization_id", links)
                search.engine.index_many(docs)
            done += len(batch)
            self._progress("organisations", done, len(todo))
        self.stats["organizations"] = len(todo)
        return objects

    def _load_people(self, specs: list[PersonSpec], orgs: list[OrgSpec], objects: dict[int, object]) -> None:
        from nesta.core import search
        from nesta.directory.models import Affiliation, ExpertProfile, Organization, Person
        from nesta.directory.services import person_search_document

        existing = set(
            Person.objects.filter(reference_key__startswith="demo-person-").values_list("reference_key", flat=True)
        )
        todo = [s for s in specs if s.key not in existing]
        needed = {s.org_index for s in todo} | {a[0] for s in todo for a in s.affiliations}
        missing = [orgs[i].key for i in needed if i not in objects]
        if missing:
            by_key = {}
            for keys in _batches(missing, 900):
                qs = Organization.objects.select_related("province", "city").filter(reference_key__in=keys)
                by_key.update({o.reference_key: o for o in qs})
            for i in needed:
                if i not in objects and orgs[i].key in by_key:
                    objects[i] = by_key[orgs[i].key]
        through = Person.fields.through
        no_profile = Person.expert_profile.related  # caching "no profile" saves a query per person
        done = experts = affiliations = 0
        for batch in _batches(todo, self.batch_size):
            people = [
                Person(
                    name=s.name,
                    gender=s.gender,
                    title=s.title,
                    position=s.position,
                    organization=objects.get(s.org_index),
                    email=s.email,
                    phone=s.phone,
                    bio=s.bio,
                    keywords=s.keywords,
                    reference_key=s.key,
                )
                for s in batch
            ]
            with transaction.atomic():
                Person.objects.bulk_create(people, batch_size=1000)
                profiles, rows, links, docs = [], [], [], []
                for s, person in zip(batch, people, strict=True):
                    nodes = [self.nodes[c] for c in s.fields]
                    links += [(person.pk, n.pk) for n in nodes]
                    if s.expert:
                        profile = ExpertProfile(person=person, **s.expert)
                        profiles.append(profile)
                        person.expert_profile = profile
                        rows += [
                            Affiliation(
                                person=person, organization=objects[o], role_title=title, start_year=start, end_year=end
                            )
                            for o, title, start, end in s.affiliations
                            if o in objects
                        ]
                    else:
                        no_profile.set_cached_value(person, None)
                    docs.append(person_search_document(person, nodes))
                ExpertProfile.objects.bulk_create(profiles, batch_size=1000)
                Affiliation.objects.bulk_create(rows, batch_size=1000)
                _insert_links(through, "person_id", links)
                search.engine.index_many(docs)
            experts += len(profiles)
            affiliations += len(rows)
            done += len(batch)
            self._progress("people", done, len(todo))
        self.stats.update(people=len(todo), experts=experts, affiliations=affiliations)

    def _load_accounts(self) -> None:
        from nesta.accounts.models import RoleAssignment, User
        from nesta.core.models import Region
        from nesta.directory.models import Organization, Person

        accounts = generate_accounts(self.seed)
        org_keys = {ORG_KEY.format(a.org_index) for a in accounts if a.org_index is not None}
        orgs = {o.reference_key: o for o in Organization.objects.filter(reference_key__in=org_keys)}
        person_keys = {PERSON_KEY.format(a.person_index) for a in accounts if a.person_index is not None}
        people = {p.reference_key: p for p in Person.objects.filter(reference_key__in=person_keys)}
        provinces = {r.code: r for r in Region.objects.filter(level="province")}
        password_hash = None  # hashing is slow by design: do it once, only if an account is new
        created = 0
        with transaction.atomic():
            for a in accounts:
                org = orgs.get(ORG_KEY.format(a.org_index)) if a.org_index is not None else None
                person = people.get(PERSON_KEY.format(a.person_index)) if a.person_index is not None else None
                user = User.objects.filter(username=a.username).first()
                if user is None:
                    password_hash = password_hash or make_password(demo_password())
                    domain = org.contact_email.partition("@")[2] if org and org.contact_email else ""
                    user = User.objects.create(
                        username=a.username,
                        password=password_hash,
                        display_name=person.name if person else a.display_name,
                        # a work address at the organisation: the managers' view shows how to reach a booker
                        email=(person.email if person else "") or (f"{a.username}@{domain}" if domain else ""),
                        organization=person.organization if person else org,
                    )
                    created += 1
                if person is not None and person.user_id is None and not Person.objects.filter(user=user).exists():
                    person.user = user
                    person.save(update_fields=["user"])
                RoleAssignment.objects.get_or_create(
                    user=user,
                    role=a.role,
                    province=provinces.get(a.province_code) if a.province_code else None,
                    organization=org if a.role in {"org_admin", "member", "instrument_manager"} else None,
                )
        self.stats["accounts"] = created
        if created:
            self.say(f"  demo accounts: {created} created")
