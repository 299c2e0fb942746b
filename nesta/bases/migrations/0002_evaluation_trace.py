# The results' reasons and sensitivity move from JSON lists of dicts into one packed trace per result
# (models.evaluation: pack_traces), and each run's snapshot gains the weights' shares. Old results are
# converted: their values and ranks exactly, their normalised values as the six places they kept.
# The results' keys are no longer checked by the database row by row, and run loses its own index
# (see models.evaluation).

import django.db.models.deletion
import numpy as np
from django.db import migrations, models

TRACE_VERSION = 1  # models.evaluation.TRACE_VERSION when this migration was written


def _pack(values, norm, lower, higher):
    m = len(values)
    raw = np.array([np.nan if v is None else float(v) for v in values], dtype="<f8")
    return (
        bytes([TRACE_VERSION])
        + raw.tobytes()
        + np.array(norm, dtype="<f8").tobytes()
        + np.array(lower, dtype="<i4").reshape(m).tobytes()
        + np.array(higher, dtype="<i4").reshape(m).tobytes()
    )


def forwards(apps, schema_editor):
    Run = apps.get_model("bases", "EvaluationRun")
    Result = apps.get_model("bases", "EvaluationResult")
    for run in Run.objects.all().iterator():
        snapshot = list(run.criteria_snapshot or [])
        keys = [c["indicator"] for c in snapshot]
        shares = None
        changed = []
        for result in Result.objects.filter(run=run).iterator():
            reasons = {r["indicator"]: r for r in result.reasons or []}
            shifts = {s["indicator"]: s for s in result.sensitivity or []}
            if not reasons or set(reasons) != set(keys):
                continue  # nothing to carry over (the result reads as having no reasons)
            if shares is None:
                shares = [float(reasons[k]["weight"]) for k in keys]
            lower = [shifts[k]["rank_if_lower"] if k in shifts else result.rank for k in keys]
            higher = [shifts[k]["rank_if_higher"] if k in shifts else result.rank for k in keys]
            result.trace = _pack(
                [reasons[k]["value"] for k in keys], [float(reasons[k]["normalised"]) for k in keys], lower, higher
            )
            changed.append(result)
        Result.objects.bulk_update(changed, ["trace"], batch_size=500)
        if shares is None and snapshot:
            weights = np.array([float(c["weight"]) for c in snapshot])
            shares = (weights / weights.sum()).tolist()
        if snapshot:
            run.criteria_snapshot = [{**c, "share": s} for c, s in zip(snapshot, shares, strict=True)]
            run.save(update_fields=["criteria_snapshot"])


class Migration(migrations.Migration):
    dependencies = [("bases", "0001_initial")]

    operations = [
        migrations.AddField(model_name="evaluationresult", name="trace", field=models.BinaryField(default=b"")),
        migrations.RunPython(forwards, migrations.RunPython.noop),
        migrations.RemoveField(model_name="evaluationresult", name="reasons"),
        migrations.RemoveField(model_name="evaluationresult", name="sensitivity"),
        migrations.AlterField(
            model_name="evaluationresult",
            name="run",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="results",
                to="bases.evaluationrun",
            ),
        ),
    ]
