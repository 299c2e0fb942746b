"""The review pool's accounts: every demo expert gets a user with the expert role (the pool of
the assignment solver is people with an expert profile and such a user). expert01…expert50 are the
directory's demo accounts; the others of the default scale continue the series (expert51…)."""

from typing import Any

from django.contrib.auth.hashers import make_password

from nesta.demo.generator import PERSON_KEY, demo_password


def expert_accounts() -> int:
    from nesta.accounts.models import RoleAssignment, User
    from nesta.directory.models import Person

    todo = list(
        Person.objects.filter(
            reference_key__startswith=PERSON_KEY.split("{")[0], expert_profile__isnull=False, user__isnull=True
        ).order_by("reference_key")
    )
    if not todo:
        return 0
    taken = set(User.objects.filter(username__startswith="expert").values_list("username", flat=True))
    password = make_password(demo_password())
    users: list[Any] = []
    people: list[Any] = []
    for person in todo:
        index = int(person.reference_key.rsplit("-", 1)[1])
        username = f"expert{index // 3 + 1:02d}"
        if username in taken:
            continue
        taken.add(username)
        users.append(
            User(
                username=username,
                password=password,
                display_name=person.name,
                email=person.email,
                organization_id=person.organization_id,
            )
        )
        people.append(person)
    User.objects.bulk_create(users, batch_size=500)
    saved = {u.username: u for u in User.objects.filter(username__in=[u.username for u in users])}
    for person, user in zip(people, users, strict=True):
        person.user = saved[user.username]
    Person.objects.bulk_update(people, ["user"], batch_size=500)
    RoleAssignment.objects.bulk_create([RoleAssignment(user=saved[u.username], role="expert") for u in users])
    return len(users)
