"""Organisations of every kind the Action names, the people in them, and expert profiles."""

from django.core.validators import RegexValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from nesta.core.models import Region, TaxonomyNode, TimeStampedModel
from nesta.core.permissions import Target
from nesta.directory.validators import validate_uscc

phone_validator = RegexValidator(r"^[0-9+\-() ]{5,30}$", _("电话号码格式不正确。"))


class OrganizationKind(models.TextChoices):
    UNIVERSITY = "university", _("高等院校")
    RESEARCH_INSTITUTE = "research_institute", _("科研院所")
    ENTERPRISE = "enterprise", _("企业")
    ENGINEERING_CENTER = "engineering_center", _("国家工程(技术研究)中心")
    KEY_LABORATORY = "key_laboratory", _("重点实验室")
    PRODUCTIVITY_CENTER = "productivity_center", _("生产力促进中心")
    INCUBATOR = "incubator", _("创业中心/孵化器")
    UNIVERSITY_SCIENCE_PARK = "university_science_park", _("大学科技园")
    TECHNOLOGY_MARKET = "technology_market", _("技术市场")
    VENTURE_CAPITAL = "venture_capital", _("风险投资机构")
    INTERMEDIARY = "intermediary", _("科技中介机构")
    HIGH_TECH_ZONE = "high_tech_zone", _("国家高新区")
    AGRICULTURAL_PARK = "agricultural_park", _("农业科技园区")
    INTERNATIONAL_BASE = "international_base", _("国际合作基地")
    GOVERNMENT = "government", _("政府部门")


class Organization(TimeStampedModel):
    name = models.CharField(_("机构名称"), max_length=120)
    name_en = models.CharField(_("英文名称"), max_length=200, blank=True)
    short_name = models.CharField(_("简称"), max_length=40, blank=True)
    kind = models.CharField(_("机构类型"), max_length=30, choices=OrganizationKind.choices, db_index=True)
    is_private_tech_enterprise = models.BooleanField(_("民营科技企业"), default=False)
    uscc = models.CharField(
        _("统一社会信用代码"), max_length=18, null=True, blank=True, unique=True, validators=[validate_uscc]
    )
    province = models.ForeignKey(
        Region,
        verbose_name=_("省份"),
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"level": "province"},
    )
    city = models.ForeignKey(
        Region,
        verbose_name=_("城市"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"level": "city"},
    )
    address = models.CharField(_("地址"), max_length=200, blank=True)
    postal_code = models.CharField(
        _("邮政编码"), max_length=6, blank=True, validators=[RegexValidator(r"^\d{6}$", _("邮政编码应为6位数字。"))]
    )
    website = models.URLField(_("网站"), blank=True)
    contact_name = models.CharField(_("联系人"), max_length=50, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=30, blank=True, validators=[phone_validator])
    contact_email = models.EmailField(_("联系邮箱"), blank=True)
    description = models.TextField(_("简介"), blank=True)
    fields = models.ManyToManyField(TaxonomyNode, verbose_name=_("重点领域"), blank=True, related_name="organizations")
    zone = models.ForeignKey(
        "self",
        verbose_name=_("所在高新区"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="zone_members",
        limit_choices_to={"kind": OrganizationKind.HIGH_TECH_ZONE},
    )
    established_year = models.PositiveSmallIntegerField(_("成立/批准年份"), null=True, blank=True)
    is_active = models.BooleanField(_("有效"), default=True)
    reference_key = models.CharField(
        max_length=40, null=True, blank=True, unique=True, help_text="stable key of reference and demo records"
    )

    class Meta:
        ordering = ["id"]
        verbose_name = _("机构")
        verbose_name_plural = _("机构")
        indexes = [
            models.Index(fields=["province", "kind"]),
            models.Index(fields=["city", "kind"]),
            # a zone's firms by kind, covering what the private-share counts need
            models.Index(fields=["zone", "kind", "is_active", "is_private_tech_enterprise"], name="org_zone_kind"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("directory:organization_detail", args=[self.pk])

    def permission_target(self) -> Target:
        return Target(province_code=self.province.code, organization_id=self.pk)


class Person(TimeStampedModel):
    class Gender(models.TextChoices):
        MALE = "M", _("男")
        FEMALE = "F", _("女")
        UNKNOWN = "", _("未填写")

    name = models.CharField(_("姓名"), max_length=50)
    gender = models.CharField(_("性别"), max_length=1, choices=Gender.choices, blank=True)
    title = models.CharField(_("职称"), max_length=40, blank=True)
    position = models.CharField(_("职务"), max_length=60, blank=True)
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("所在机构"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="people",
    )
    email = models.EmailField(_("电子邮箱"), blank=True)
    phone = models.CharField(_("电话"), max_length=30, blank=True, validators=[phone_validator])
    bio = models.TextField(_("简介"), blank=True)
    fields = models.ManyToManyField(TaxonomyNode, verbose_name=_("研究领域"), blank=True, related_name="people")
    keywords = models.CharField(_("关键词"), max_length=300, blank=True, help_text=_("以逗号或空格分隔"))
    user = models.OneToOneField(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="person"
    )
    reference_key = models.CharField(max_length=40, null=True, blank=True, unique=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("人员")
        verbose_name_plural = _("人员")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("directory:person_detail", args=[self.pk])

    def permission_target(self) -> Target:
        org = self.organization
        return Target(
            province_code=org.province.code if org else None,
            organization_id=org.pk if org else None,
            user_id=self.user_id,
        )

    @property
    def keyword_list(self) -> list[str]:
        return [k for k in self.keywords.replace("，", ",").replace(" ", ",").split(",") if k]


class ExpertProfile(TimeStampedModel):
    """A person registered in the expert pool (for reviews, tours and consultation)."""

    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="expert_profile")
    expertise = models.TextField(_("专业特长"), blank=True)
    degree = models.CharField(_("学位"), max_length=20, blank=True)
    is_available = models.BooleanField(_("可接受评审邀请"), default=True)
    max_reviews_per_year = models.PositiveSmallIntegerField(_("年度评审上限"), default=20)

    class Meta:
        verbose_name = _("专家")
        verbose_name_plural = _("专家")

    def __str__(self) -> str:
        return str(self.person)


class Affiliation(models.Model):
    """One line of a person's organisation history (used later for conflict-of-interest checks)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="affiliations")
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="affiliations")
    role_title = models.CharField(_("职务"), max_length=60, blank=True)
    start_year = models.PositiveSmallIntegerField(_("起始年份"), null=True, blank=True)
    end_year = models.PositiveSmallIntegerField(_("结束年份"), null=True, blank=True)

    class Meta:
        ordering = ["-start_year", "id"]
        verbose_name = _("任职经历")
        verbose_name_plural = _("任职经历")
        constraints = [
            models.CheckConstraint(
                name="affiliation_years_ordered",
                condition=models.Q(end_year__isnull=True)
                | models.Q(start_year__isnull=True)
                | models.Q(end_year__gte=models.F("start_year")),
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} @ {self.organization}"
