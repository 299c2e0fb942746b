# The statistics cells become one row per month, province and dimension (a full cross-product of
# all dimensions would give nearly one row per contract); amounts in fen. The cells are derived
# data (rebuild_statistics recomputes them), so the table is recreated.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("market", "0001_initial"),
    ]

    operations = [
        migrations.DeleteModel(name="ContractStat"),
        migrations.CreateModel(
            name="ContractStat",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("year", models.PositiveSmallIntegerField()),
                ("month", models.PositiveSmallIntegerField()),
                ("point_province", models.CharField(max_length=6)),
                (
                    "dimension",
                    models.CharField(
                        choices=[
                            ("type", "合同类型"),
                            ("field", "技术领域"),
                            ("ip", "知识产权类型"),
                            ("seller_nature", "卖方性质"),
                            ("buyer_nature", "买方性质"),
                            ("plan", "计划来源"),
                            ("flow", "技术流向"),
                        ],
                        max_length=16,
                    ),
                ),
                ("key", models.CharField(max_length=24)),
                ("key2", models.CharField(blank=True, default="", max_length=6)),
                ("contracts", models.PositiveIntegerField(default=0)),
                ("contract_fen", models.BigIntegerField(default=0)),
                ("technology_fen", models.BigIntegerField(default=0)),
            ],
            options={
                "indexes": [models.Index(fields=["year", "point_province", "dimension"], name="contract_stat_year")],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("year", "month", "point_province", "dimension", "key", "key2"),
                        name="uniq_contract_stat_cell",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("month__gte", 1), ("month__lte", 12)), name="contract_stat_month"
                    ),
                ],
            },
        ),
    ]
