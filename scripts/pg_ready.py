"""Exit 0 when the PostgreSQL server of DATABASE_URL answers (creating the database if absent)."""

import sys

import psycopg


def main(url: str) -> int:
    base, _, name = url.rpartition("/")
    try:
        with psycopg.connect(base + "/postgres", connect_timeout=3, autocommit=True) as conn:
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
            if not exists:
                conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.Error as exc:
        print(f"PostgreSQL not reachable: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
