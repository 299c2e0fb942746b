"""The demo directory: organisations, people, experts and demo accounts of the three provinces.

Generation is pure Python and deterministic: record i is drawn from its own random.Random seeded
by (seed, i), so the same seed gives the same records, and a larger scale only adds records after
the ones a smaller scale made (names are made unique in index order). Records are keyed by
reference_key ("demo-org-000123", "demo-person-000045"); nesta.demo.loader writes them in bulk and
skips the ones already present.
"""

import os
import random
import re
from dataclasses import dataclass, field
from itertools import accumulate

from nesta.core.reference import CITIES as REFERENCE_CITIES
from nesta.core.reference import PROVINCES, TAXONOMY
from nesta.demo import names as N
from nesta.directory.validators import make_uscc

DEFAULT_SCALE = 400
DEFAULT_SEED = 2026
MIN_SCALE = 20
ORG_KEY = "demo-org-{:06d}"
PERSON_KEY = "demo-person-{:06d}"
DEFAULT_PASSWORD = "demo-2026"

# The first organisations cycle through every kind, so even a small scale shows them all;
# the demo organisation administrators (admin01–admin10) sit in the first ten.
KIND_CYCLE = [
    "university",
    "research_institute",
    "enterprise",
    "key_laboratory",
    "engineering_center",
    "incubator",
    "venture_capital",
    "intermediary",
    "productivity_center",
    "agricultural_park",
    "technology_market",
    "university_science_park",
    "international_base",
    "government",
]

_PROVINCE_NAMES = {code: name for code, name, _ in PROVINCES}
_CITY_NAMES = {code: name for code, name, _ in REFERENCE_CITIES}
_CITY_PINYIN = {code: en.split()[0].lower() for code, _, en in REFERENCE_CITIES}
_CITY_PINYIN["232700"] = "dxal"
_CITY_CODES = list(N.CITIES)
_CITY_CUM = list(accumulate(N.CITIES[c][3] for c in _CITY_CODES))
_KINDS = list(N.KIND_WEIGHTS)
_KIND_CUM = list(accumulate(N.KIND_WEIGHTS.values()))
_SURNAME_CUM = list(accumulate(w for _, _, w in N.SURNAMES))
_ZONE_BY_CITY = {city: key for key, (city, _) in N.ZONE_DISTRICTS.items()}
# How likely an organisation in a zone city sits inside the zone.
_ZONE_SHARE = {"enterprise": 0.35, "incubator": 0.7, "venture_capital": 0.3, "university_science_park": 0.5}
_DOUBLED = re.compile(r"(\w{2,4})\1")  # 农业科技农业科技园区 → 农业科技园区
_USCC_STEP = 7_654_321  # coprime with 10**8: i ↦ (step·i + offset) mod 10**8 never repeats


def _taxonomy_names() -> dict[str, str]:
    result: dict[str, str] = {}

    def walk(nodes):
        for node in nodes:
            result[node[0]] = node[1]
            walk(node[-1])

    walk(TAXONOMY)
    return result


TAXONOMY_NAMES = _taxonomy_names()


@dataclass
class OrgSpec:
    index: int
    key: str
    name: str
    kind: str
    province_code: str
    city_code: str
    address: str
    postal_code: str
    contact_name: str
    contact_phone: str
    contact_email: str
    website: str
    description: str
    fields: list[str]
    zone_key: str | None
    uscc: str | None
    is_private_tech_enterprise: bool
    established_year: int
    domain: str


@dataclass
class PersonSpec:
    index: int
    key: str
    name: str
    gender: str
    title: str
    position: str
    org_index: int
    email: str
    phone: str
    bio: str
    keywords: str
    fields: list[str]
    expert: dict | None = None
    # (organisation index, role title, start year, end year)
    affiliations: list[tuple[int, str, int, int | None]] = field(default_factory=list)


def _rng(seed: int, what: str, i: int | str) -> random.Random:
    return random.Random(f"{seed}:{what}:{i}")


def person_name(rng: random.Random, gender: str | None = None) -> tuple[str, str, str]:
    """(name, pinyin, gender) — a surname and one or two given characters."""
    gender = gender or ("M" if rng.random() < 0.55 else "F")
    surname, sur_py, _ = N.SURNAMES[_pick_index(rng, _SURNAME_CUM)]
    pool = N.GIVEN_MALE if gender == "M" else N.GIVEN_FEMALE
    given = [rng.choice(pool) for _ in range(1 if rng.random() < 0.35 else 2)]
    return surname + "".join(g for g, _ in given), sur_py + "".join(p for _, p in given), gender


def _pick_index(rng: random.Random, cum: list[float]) -> int:
    x = rng.random() * cum[-1]
    lo, hi = 0, len(cum) - 1
    while lo < hi:
        mid = (lo + hi) // 2
        if cum[mid] > x:
            hi = mid
        else:
            lo = mid + 1
    return lo


def _pick_fields(rng: random.Random, kind: str, city_code: str) -> list[str]:
    groups, lo, hi = N.KIND_FIELDS[kind]
    count = rng.randint(lo, hi)
    chosen: list[str] = []
    specialties = N.CITY_FIELDS.get(city_code, [])
    if groups is not None:  # a city's industries, as far as this kind works in them
        allowed = {code for g in groups for code in N.FIELD_GROUPS[g]}
        specialties = [code for code in specialties if code in allowed]
    for _ in range(count * 3):
        if len(chosen) >= count:
            break
        if specialties and rng.random() < 0.45:
            code = rng.choice(specialties)
        elif groups is None:
            code = rng.choice(N.ALL_FIELDS)
        else:
            code = rng.choice(N.FIELD_GROUPS[rng.choice(groups)])
        if code not in chosen:
            chosen.append(code)
    return chosen


def _terms(rng: random.Random, fields: list[str], k: int) -> list[str]:
    pool = [t for f in fields for t in N.FIELD_WORDS[f][1]] or N.FIELD_WORDS["tech-services"][1]
    return rng.sample(pool, min(k, len(pool)))


def _brand(rng: random.Random) -> tuple[str, str]:
    a, b = rng.sample(N.BRAND_CHARS, 2)
    return a[0] + b[0], a[1] + b[1]


def _phone(rng: random.Random, area: str) -> str:
    digits = 8 if len(area) == 3 or area in {"0411", "0431", "0451"} else 7
    return f"{area}-{rng.randint(2, 8)}{rng.randrange(10 ** (digits - 1)):0{digits - 1}d}"


_REAL_UNIVERSITIES = [u for u in N.PARTNER_UNIVERSITIES if u.endswith("大学")]


def _host(rng: random.Random) -> str:
    """A university that hosts a laboratory or centre: one of record, or one like the generated ones."""
    if rng.random() < 0.3:
        return rng.choice(_REAL_UNIVERSITIES)
    return N.CITIES[rng.choice(_CITY_CODES)][0] + rng.choice(N.DISCIPLINES) + "大学"


def _org_name(rng: random.Random, kind: str, ctx: dict[str, str], field_codes: list[str]) -> tuple[str, str]:
    """A candidate name and the brand's pinyin."""
    patterns = N.ORG_PATTERNS[kind]
    pattern = rng.choices([p for p, _ in patterns], weights=[w for _, w in patterns])[0]
    brand, brand_py = _brand(rng)
    first = field_codes[0] if field_codes else rng.choice(N.FIELD_GROUPS["services"])
    values = dict(
        ctx,
        b=brand,
        f=rng.choice(N.FIELD_WORDS[first][0]),
        F=TAXONOMY_NAMES[first],
        u=rng.choice(N.DISCIPLINES),
        d=rng.choice(N.CITIES[ctx["code"]][4]),
        h=_host(rng),
        t=rng.choice(N.TOWNS),
    )
    return _DOUBLED.sub(r"\1", pattern.format(**values)), brand_py


def generate_organizations(scale: int, seed: int = DEFAULT_SEED) -> list[OrgSpec]:
    """Organisation i of any scale is the same (given the seed)."""
    specs: list[OrgSpec] = []
    used: set[str] = set()
    offset = (seed * 1_000_003) % 10**8
    for i in range(scale):
        rng = _rng(seed, "org", i)
        kind = KIND_CYCLE[i] if i < len(KIND_CYCLE) else _KINDS[_pick_index(rng, _KIND_CUM)]
        city_code = _CITY_CODES[_pick_index(rng, _CITY_CUM)]
        city_short, area, postal_base, _, districts = N.CITIES[city_code]
        province_code = city_code[:2] + "0000"
        fields = _pick_fields(rng, kind, city_code)
        ctx = {"code": city_code, "c": city_short, "C": _CITY_NAMES[city_code], "p": N.PROVINCE_SHORT[province_code]}
        for attempt in range(40):
            name, brand_py = _org_name(rng, kind, ctx, fields)
            if attempt >= 30:  # a crowded pattern: tell it apart by a brand in brackets
                brand, brand_py = _brand(rng)
                name = f"{name}（{brand}）"
            if name not in used:
                break
        while name in used:  # never reached in practice: names stay unique whatever the scale
            name = f"{name}（{_brand(rng)[0]}）"
        used.add(name)

        zone_key = _ZONE_BY_CITY.get(city_code)
        if zone_key and rng.random() >= _ZONE_SHARE.get(kind, 0.15):
            zone_key = None
        district = N.ZONE_DISTRICTS[zone_key][1] if zone_key else rng.choice(districts)
        address = (
            f"{_PROVINCE_NAMES[province_code]}{_CITY_NAMES[city_code]}{district}"
            f"{rng.choice(N.ROADS)}{rng.randint(1, 399)}号"
        )
        private = kind == "enterprise" and rng.random() < 0.4
        year_lo, year_hi = {"university": (1946, 2002), "government": (1978, 1995)}.get(kind, (1978, 2024))
        year = rng.randint(year_lo, year_hi)
        local, tld = N.KIND_EMAIL.get(kind, ("info", "com.cn"))
        domain = f"{brand_py}{_CITY_PINYIN[city_code]}.{tld}"
        contact, _, _ = person_name(rng)

        terms = _terms(rng, fields[:1], 2) + _terms(rng, fields, 1)
        field_names = [TAXONOMY_NAMES[f] for f in fields] or ["科技服务"]
        fmt = {
            "name": name,
            "F": field_names[0],
            "F2": field_names[-1] if len(field_names) > 1 else "相关",
            "t1": terms[0],
            "t2": terms[1 % len(terms)],
            "t3": terms[-1],
            "year": year,
            "c": city_short,
            "p": N.PROVINCE_SHORT[province_code],
            "C": _CITY_NAMES[city_code],
            "ent": "民营科技企业" if private else rng.choice(["高新技术企业", "科技型企业", "国有控股企业"]),
            "e1": "",
            "e2": "",
            "partner": rng.choice(N.PARTNER_UNIVERSITIES),
            "n": rng.randint(3, 60),
            "m": rng.randint(2, 120),
            "pct": rng.choice([15, 20, 25, 30, 40]),
        }
        fmt["e1"], fmt["e2"] = rng.sample(N.EQUIPMENT, 2)
        sentences = [rng.choice(N.DESCRIPTION_OPENERS[kind]).format(**fmt)]
        more = N.DESCRIPTION_MORE + (N.DESCRIPTION_MORE_ENTERPRISE if kind == "enterprise" else [])
        sentences += [s.format(**fmt) for s in rng.sample(more, rng.randint(0, 2))]

        uscc = None
        if rng.random() < 0.9:
            auth = N.KIND_USCC[kind]
            body = f"{(_USCC_STEP * i + offset) % 10**8:08d}"
            uscc = make_uscc(auth[0], auth[1], city_code, body)

        specs.append(
            OrgSpec(
                index=i,
                key=ORG_KEY.format(i),
                name=name,
                kind=kind,
                province_code=province_code,
                city_code=city_code,
                address=address,
                postal_code=f"{postal_base + rng.randint(1, 99):06d}",
                contact_name=contact,
                contact_phone=_phone(rng, area),
                contact_email=f"{local}@{domain}",
                website=f"http://www.{domain}" if rng.random() < 0.6 else "",
                description="".join(sentences),
                fields=fields,
                zone_key=zone_key,
                uscc=uscc,
                is_private_tech_enterprise=private,
                established_year=year,
                domain=domain,
            )
        )
    return specs


def people_count(scale: int) -> int:
    # At least 150, so that a small demo still has the 50 experts the expert accounts need.
    return max(round(1.5 * scale), 150)


def generate_people(orgs: list[OrgSpec], seed: int = DEFAULT_SEED) -> list[PersonSpec]:
    """≈1.5 people per organisation; every third person is an expert with 1–2 affiliations."""
    scale = len(orgs)
    specs: list[PersonSpec] = []
    for j in range(people_count(scale)):
        rng = _rng(seed, "person", j)
        expert = j % 3 == 0
        top = min(scale - 1, j * 2 // 3)
        lo = max(0, top - 40)
        org_index = rng.randint(lo, top)
        if expert:  # experts mostly work at universities and institutes
            for _ in range(6):
                if orgs[org_index].kind in N.ACADEMIC_KINDS:
                    break
                org_index = rng.randint(lo, top)
        org = orgs[org_index]
        academic = org.kind in N.ACADEMIC_KINDS
        name, py, gender = person_name(rng)
        titles = N.TITLES_ACADEMIC if academic else N.TITLES_INDUSTRY
        title = rng.choices([t for t, _ in titles], weights=[w for _, w in titles])[0]
        positions = N.POSITIONS_ACADEMIC if academic else N.POSITIONS_INDUSTRY
        position = rng.choice(N.POSITIONS_JUNIOR if title in N.JUNIOR_TITLES else positions)
        fields = rng.sample(org.fields, min(len(org.fields), rng.randint(1, 2))) or [rng.choice(N.ALL_FIELDS)]
        terms = _terms(rng, fields, 4)
        fmt = {
            "name": name,
            "title": title,
            "F": TAXONOMY_NAMES[fields[0]],
            "t1": terms[0],
            "t2": terms[1 % len(terms)],
        }
        area = N.CITIES[org.city_code][1]
        phone = f"1{rng.choice('3589')}{rng.randrange(10**9):09d}" if rng.random() < 0.5 else _phone(rng, area)
        spec = PersonSpec(
            index=j,
            key=PERSON_KEY.format(j),
            name=name,
            gender=gender,
            title=title,
            position=position,
            org_index=org_index,
            email=f"{py}{rng.randint(1, 99)}@{org.domain}",
            phone=phone,
            bio=rng.choice(N.BIO_TEMPLATES).format(**fmt),
            keywords=",".join(terms[: rng.randint(2, 4)]),
            fields=fields,
        )
        if expert:
            degrees = N.DEGREES
            spec.expert = {
                "expertise": "、".join([TAXONOMY_NAMES[f] for f in fields] + terms[:2]),
                "degree": rng.choices([d for d, _ in degrees], weights=[w for _, w in degrees])[0],
                "is_available": rng.random() < 0.9,
                "max_reviews_per_year": rng.choice([10, 12, 15, 20, 20, 30]),
            }
            start = rng.randint(1988, 2020)
            spec.affiliations.append((org_index, position or title, start, None))
            if rng.random() < 0.5 and lo < top:
                previous = rng.randint(lo, top)
                if previous != org_index:
                    spec.affiliations.append(
                        (
                            previous,
                            rng.choice(["研究员", "工程师", "博士后", "访问学者"]),
                            start - rng.randint(3, 12),
                            start,
                        )
                    )
        specs.append(spec)
    return specs


# --- demo accounts ---------------------------------------------------------------------------


@dataclass
class AccountSpec:
    username: str
    role: str
    display_name: str
    province_code: str | None = None
    org_index: int | None = None  # org_admin / member: the organisation; expert: none
    person_index: int | None = None  # expert: the Person record the account belongs to


def generate_accounts(seed: int = DEFAULT_SEED) -> list[AccountSpec]:
    def display(username: str) -> str:
        return person_name(random.Random(f"{seed}:user:{username}"))[0]

    accounts = [AccountSpec("office", "office", display("office"))]
    accounts.append(AccountSpec("finance01", "finance", display("finance01")))  # 财务: payments, subsidies
    for username, code in (("liaoning", "210000"), ("jilin", "220000"), ("heilongjiang", "230000")):
        accounts.append(AccountSpec(username, "province", display(username), province_code=code))
    accounts += [
        AccountSpec(f"admin{k:02d}", "org_admin", display(f"admin{k:02d}"), org_index=k - 1) for k in range(1, 11)
    ]
    accounts += [AccountSpec(f"expert{k:02d}", "expert", "", person_index=3 * (k - 1)) for k in range(1, 51)]
    accounts += [
        AccountSpec(f"member{k:02d}", "member", display(f"member{k:02d}"), org_index=k - 1) for k in range(1, 21)
    ]
    # instrument managers of organisations 0–4 (nesta.demo.staff links them to their instruments)
    accounts += [
        AccountSpec(f"manager{k:02d}", "instrument_manager", display(f"manager{k:02d}"), org_index=k - 1)
        for k in range(1, 6)
    ]
    return accounts


DEMO_USERNAMES = [a.username for a in generate_accounts()]


def demo_password() -> str:
    return os.environ.get("DEMO_PASSWORD") or DEFAULT_PASSWORD
