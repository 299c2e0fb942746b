"""Reference data every domain shares: regions, the priority-area taxonomy, platforms; audit; search."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        abstract = True


class Region(models.Model):
    """An administrative division with its GB/T 2260 code."""

    class Level(models.TextChoices):
        PROVINCE = "province", _("省")
        CITY = "city", _("地级市/州")
        DISTRICT = "district", _("区/县")

    code = models.CharField(_("行政区划代码"), max_length=6, unique=True)
    name = models.CharField(_("名称"), max_length=50)
    name_en = models.CharField(_("英文名称"), max_length=80, blank=True)
    level = models.CharField(_("级别"), max_length=10, choices=Level.choices)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")

    class Meta:
        ordering = ["code"]
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")

    def __str__(self) -> str:
        return self.name

    @property
    def province_code(self) -> str:
        return self.code[:2] + "0000"


class TaxonomyNode(models.Model):
    """A priority area of 三.2 (high-tech industries and sub-fields, traditional upgrading, ...)."""

    code = models.SlugField(_("代码"), max_length=60, unique=True)
    name = models.CharField(_("名称"), max_length=60)
    name_en = models.CharField(_("英文名称"), max_length=120, blank=True)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    depth = models.PositiveSmallIntegerField(default=0)
    sort_order = models.PositiveIntegerField(default=0)
    seed_section = models.CharField(_("方案条目"), max_length=20, blank=True)

    class Meta:
        ordering = ["sort_order"]
        verbose_name = _("重点领域")
        verbose_name_plural = _("重点领域")

    def __str__(self) -> str:
        return self.name


class Platform(models.Model):
    """One of the four platforms of 三.1 (创新/转化/条件/合作)."""

    code = models.SlugField(max_length=30, unique=True)
    name = models.CharField(_("名称"), max_length=30)
    name_en = models.CharField(_("英文名称"), max_length=80, blank=True)
    summary = models.TextField(_("简介"), blank=True)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sort_order"]
        verbose_name = _("平台")
        verbose_name_plural = _("平台")

    def __str__(self) -> str:
        return self.name


class AuditLog(models.Model):
    """Who changed what, when. Written by services, never by signals, so every path records it.

    `action` is a named event ("organization.created", "booking.cancelled"); each app registers its
    events' labels (`registry.audit_event`). Rows written before events were named hold the generic
    actions below, which keep their labels; anything else unknown reads as its raw name."""

    class Action(models.TextChoices):  # the generic actions of older rows
        CREATE = "create", _("新建")
        UPDATE = "update", _("修改")
        DELETE = "delete", _("删除")
        LOGIN = "login", _("登录")
        LOGIN_FAILED = "login_failed", _("登录失败")

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    actor_repr = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=60)
    object_type = models.CharField(max_length=60, db_index=True)
    object_id = models.CharField(max_length=40, blank=True)
    object_repr = models.CharField(max_length=200, blank=True)
    changes = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]
        verbose_name = _("审计日志")
        verbose_name_plural = _("审计日志")

    def __str__(self) -> str:
        return f"{self.actor_repr} {self.action} {self.object_type}#{self.object_id}"

    @property
    def event_label(self) -> str:
        """The event in the reader's language: its registered label, an old row's generic action, or
        the raw name."""
        from nesta.core.registry import registry

        label = registry.audit_event_label(self.action)
        if label is None and self.action in self.Action.values:
            label = self.Action(self.action).label
        return str(label) if label is not None else self.action

    @property
    def is_creation(self) -> bool:
        """A record's first row (its changes list what was filled in, with no old values): named
        `*.created`, or any event (`testorder.submitted`) whose every change starts from nothing."""
        if self.action == self.Action.CREATE or self.action.endswith(".created"):
            return True
        changes = self.changes or {}
        return bool(changes) and all(
            isinstance(pair, list) and len(pair) == 2 and pair[0] is None for pair in changes.values()
        )


class SearchDocument(models.Model):
    """The segmented text of one searchable record; FTS5 or tsvector index it (see core.search)."""

    doc_type = models.CharField(max_length=30)
    object_id = models.BigIntegerField()
    province_code = models.CharField(max_length=6, blank=True)
    city_code = models.CharField(max_length=6, blank=True)
    kind = models.CharField(max_length=40, blank=True)
    fields = models.CharField(max_length=400, blank=True, help_text="space-separated taxonomy codes")
    tokens = models.TextField(help_text="segmented text, tokens separated by spaces")
    length = models.PositiveIntegerField(default=0, help_text="number of tokens, for BM25's length norm")
    filters = models.TextField(blank=True, help_text="facet tokens, for the FTS5 filter column")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["doc_type", "object_id"], name="uniq_search_doc")]
        indexes = [models.Index(fields=["doc_type", "province_code", "kind"])]

    def __str__(self) -> str:
        return f"{self.doc_type}#{self.object_id}"


class Notification(models.Model):
    """An in-app message to one user (e-mail copies go out after the transaction commits)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=40)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        # the inbox pages one user's notes newest first; the badge counts the unread ones
        indexes = [
            models.Index(fields=["user", "-created_at", "-id"], name="core_notif_inbox_idx"),
            models.Index(fields=["user", "read_at"], name="core_notif_unread_idx"),
        ]
        verbose_name = _("通知")
        verbose_name_plural = _("通知")

    def __str__(self) -> str:
        return self.title


class BackgroundJob(models.Model):
    """One piece of background work a person (or the scheduler) asked for, with its progress.

    The queue itself is django-tasks' (core.tasks enqueues `run_background_job(job.pk)`); this
    row is what the job page and the API show: status, progress, the result or the error."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("进行中")
        SUCCEEDED = "succeeded", _("已完成")
        FAILED = "failed", _("失败")

    kind = models.CharField(_("类型"), max_length=60)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="background_jobs"
    )
    params = models.JSONField(default=dict, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(null=True, blank=True)
    message = models.CharField(_("进度说明"), max_length=300, blank=True)
    result = models.JSONField(default=dict, blank=True)
    result_file = models.FileField(upload_to="jobs/%Y/%m/", max_length=200, blank=True)
    result_name = models.CharField(max_length=200, blank=True, help_text="the download's file name")
    attempts = models.PositiveSmallIntegerField(default=0)
    max_attempts = models.PositiveSmallIntegerField(default=3)
    error = models.TextField(_("错误"), blank=True)
    created_at = models.DateTimeField(_("提交时间"), auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["owner", "-created_at"])]
        verbose_name = _("后台任务")
        verbose_name_plural = _("后台任务")

    def __str__(self) -> str:
        return f"{self.kind}#{self.pk} ({self.status})"

    @property
    def is_final(self) -> bool:
        return self.status in (self.Status.SUCCEEDED, self.Status.FAILED)

    @property
    def percent(self) -> int | None:
        if not self.progress_total:
            return 100 if self.status == self.Status.SUCCEEDED else None
        return min(100, self.progress_done * 100 // self.progress_total)


class PeriodicSchedule(models.Model):
    """When each registered periodic job is next due. A worker claims a run by moving
    next_run_at forward in one conditional UPDATE, so two workers never run it twice."""

    name = models.CharField(max_length=100, unique=True)
    next_run_at = models.DateTimeField()
    last_run_at = models.DateTimeField(null=True, blank=True)
    last_claimed_by = models.CharField(max_length=64, blank=True)

    def __str__(self) -> str:
        return self.name
