import os
import unicodedata

from django.core.management.base import BaseCommand

from nesta.demo.generator import DEFAULT_PASSWORD, DEMO_USERNAMES


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int) -> str:
    return text + " " * max(0, width - _width(text))


class Command(BaseCommand):
    help = "Print the address of the platform and the demo accounts (run by `make run` before the server)."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--host", default="127.0.0.1")

    def handle(self, *args, port: int, host: str, **options):
        from nesta.accounts.models import User

        self.stdout.write(f"\n  东北振兴科技行动平台  http://{host}:{port}/\n")
        users = {
            u.username: u
            for u in User.objects.filter(username__in=DEMO_USERNAMES)
            .select_related("organization", "person")
            .prefetch_related("role_assignments__province", "role_assignments__organization")
        }
        if not users:
            self.stdout.write("  No demo accounts yet: run `make data` (manage.py demo_data).\n")
            return
        hint = "the value of $DEMO_PASSWORD" if os.environ.get("DEMO_PASSWORD") else DEFAULT_PASSWORD
        rows = [("用户名 username", "角色 role", "姓名 name", "范围 scope")]
        for username in DEMO_USERNAMES:
            user = users.get(username)
            if user is None:
                continue
            for ra in user.role_assignments.all():
                if ra.province_id:
                    scope = ra.province.name
                elif ra.organization_id:
                    scope = ra.organization.name
                elif ra.role == "expert":
                    person = getattr(user, "person", None)
                    scope = f"专家库 · {person.organization.name}" if person and person.organization else "专家库"
                else:
                    scope = "全部（三省）"
                rows.append((username, f"{ra.role} {ra.get_role_display()}", user.display_name, scope))
        widths = [max(_width(r[i]) for r in rows) for i in range(3)]
        for k, row in enumerate(rows):
            self.stdout.write("  " + "  ".join(_pad(row[i], widths[i]) for i in range(3)) + "  " + row[3])
            if k == 0:
                self.stdout.write("  " + "  ".join("-" * w for w in widths) + "  " + "-" * 20)
        self.stdout.write(f"\n  Password of every demo account: {hint}\n")
