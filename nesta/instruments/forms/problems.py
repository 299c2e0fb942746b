"""Web forms of problem reports, shutdowns and recurring maintenance: they shape input only; the
services (services.problems / shutdowns / maintenance) check every rule."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from nesta.directory.forms import _style
from nesta.instruments.forms.booking import DateTimeLocalInput, LocalDateTimeField
from nesta.instruments.models import ProblemReport
from nesta.instruments.services.maintenance import COUNT_MAX, EVERY_MAX


class ProblemForm(forms.Form):
    title = forms.CharField(label=_("问题摘要"), max_length=120, help_text=_("例如：样品台无法移动、真空度达不到"))
    severity = forms.ChoiceField(
        label=_("严重程度"), choices=ProblemReport.Severity.choices, initial=ProblemReport.Severity.MAJOR
    )
    description = forms.CharField(
        label=_("详细描述"), max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 5})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _style(self)


class ResolveForm(forms.Form):
    resolution = forms.CharField(label=_("处理结果"), max_length=300)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _style(self)


class ShutdownForm(forms.Form):
    start = LocalDateTimeField(label=_("停机开始"), widget=DateTimeLocalInput())
    end = LocalDateTimeField(label=_("预计恢复"), widget=DateTimeLocalInput())
    reason = forms.CharField(label=_("停机原因（对外公示）"), max_length=150)
    mode = forms.ChoiceField(
        label=_("时段内已有的预约"),
        choices=[
            ("flag", _("保留预约，通知预约人（由其改期或免责取消）")),
            ("cancel", _("取消预约并通知预约人（使用中的预约改为通知）")),
        ],
        initial="flag",
    )
    problem = forms.TypedChoiceField(label=_("对应的故障报告"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args: Any, problems: list[ProblemReport] | None = None, **kwargs: Any) -> None:
        # the manage page also holds the blackout form: ids of its own (the field names stay)
        kwargs.setdefault("auto_id", "id_shutdown_%s")
        super().__init__(*args, **kwargs)
        field = self.fields["problem"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [("", _("（无）"))] + [(p.pk, f"#{p.pk} {p.title}") for p in problems or []]
        _style(self)


class MaintenanceForm(forms.Form):
    first_date = forms.DateField(label=_("首次日期"), widget=forms.DateInput(attrs={"type": "date"}))
    start_time = forms.TimeField(label=_("开始时间"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    end_time = forms.TimeField(
        label=_("结束时间"),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        help_text=_("不晚于开始时间表示次日结束。"),
    )
    pattern = forms.ChoiceField(
        label=_("重复方式"),
        choices=[("weekly", _("每隔几周")), ("monthly", _("每月同一个第几个星期几"))],
        initial="weekly",
    )
    every = forms.IntegerField(label=_("间隔（周）"), min_value=1, max_value=EVERY_MAX, initial=1)
    count = forms.IntegerField(label=_("次数"), min_value=1, max_value=COUNT_MAX, initial=12)
    reason = forms.CharField(label=_("说明"), max_length=200, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "id_maintenance_%s")  # beside the blackout form's reason
        super().__init__(*args, **kwargs)
        _style(self)
