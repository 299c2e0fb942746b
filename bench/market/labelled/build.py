"""Export the labelled set from the demo corpus's matching cases (nesta/demo/market/texts.py).

    DJANGO_SETTINGS_MODULE=nesta.settings.dev python -m bench.market.labelled.build

Writes demands.jsonl, achievements.jsonl and judgments.jsonl beside this file; the files are
kept in the repository, and tests/market/quality checks they are what this would write now.
"""

import json
from pathlib import Path

HERE = Path(__file__).resolve().parent


def rows() -> dict[str, list[dict]]:
    from nesta.demo.market.texts import CASE_ACHIEVEMENTS, CASE_DEMANDS, LOW_OVERLAP, judgments, overlap

    demands = []
    for key, d in CASE_DEMANDS.items():
        score = overlap(key)
        demands.append(
            {
                "id": key,
                "field": d["field"],
                "title": d["title"],
                "problem": d["problem"],
                "indicators": d["indicators"],
                "overlap": round(score, 4),
                "low_overlap": score < LOW_OVERLAP,
            }
        )
    achievements = [
        {
            "id": key,
            "field": a["field"],
            "title": a["title"],
            "summary": a["summary"],
            "keywords": a["keywords"],
            "maturity": a["maturity"],
            "ip_type": a["ip"],
        }
        for key, a in CASE_ACHIEVEMENTS.items()
    ]
    judged = [
        {"demand": j.demand, "achievement": j.achievement, "grade": j.grade, "distractor": j.distractor}
        for j in judgments()
    ]
    return {"demands": demands, "achievements": achievements, "judgments": judged}


def dumps(records: list[dict]) -> str:
    return "".join(json.dumps(r, ensure_ascii=False, sort_keys=True) + "\n" for r in records)


def main() -> None:
    import django

    django.setup()
    for name, records in rows().items():
        (HERE / f"{name}.jsonl").write_text(dumps(records), encoding="utf-8")
        print(f"{name}.jsonl: {len(records)}")


if __name__ == "__main__":
    main()
