"""Technology contract registration (技术合同认定登记) at registration points, and the yearly
statistics the registrations feed.

The registration number is 14 digits: 2-digit year + 2-digit province + 2-digit city + 2-digit
registration point + 6-digit serial, gap-free per point and year (`ContractSerial`, taken under
the registration's own lock).
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from nesta.core.models import Region, TaxonomyNode, TimeStampedModel
from nesta.core.permissions import Target
from nesta.directory.models import Organization
from nesta.market.models.choices import IPType
from nesta.market.models.listings import MONEY, Listing


class ContractType(models.TextChoices):
    DEV_COMMISSIONED = "dev_commissioned", _("技术开发（委托）")
    DEV_COOPERATIVE = "dev_cooperative", _("技术开发（合作）")
    TRANSFER_PATENT = "transfer_patent", _("技术转让（专利权）")
    TRANSFER_APPLICATION = "transfer_application", _("技术转让（专利申请权）")
    TRANSFER_SECRET = "transfer_secret", _("技术转让（技术秘密）")
    LICENSE_EXCLUSIVE = "license_exclusive", _("技术许可（专利实施许可·独占）")
    LICENSE_SOLE = "license_sole", _("技术许可（专利实施许可·排他）")
    LICENSE_ORDINARY = "license_ordinary", _("技术许可（专利实施许可·普通）")
    LICENSE_SECRET = "license_secret", _("技术许可（技术秘密使用许可）")
    CONSULTING = "consulting", _("技术咨询")
    SERVICE = "service", _("技术服务")
    SERVICE_TRAINING = "service_training", _("技术服务（技术培训）")
    SERVICE_BROKERAGE = "service_brokerage", _("技术服务（技术中介）")


# The five contract families of the Civil Code (statistics group by these).
CONTRACT_FAMILY = {
    "dev_commissioned": "development",
    "dev_cooperative": "development",
    "transfer_patent": "transfer",
    "transfer_application": "transfer",
    "transfer_secret": "transfer",
    "license_exclusive": "license",
    "license_sole": "license",
    "license_ordinary": "license",
    "license_secret": "license",
    "consulting": "consulting",
    "service": "service",
    "service_training": "service",
    "service_brokerage": "service",
}
CONTRACT_FAMILY_LABELS = {
    "development": _("技术开发"),
    "transfer": _("技术转让"),
    "license": _("技术许可"),
    "consulting": _("技术咨询"),
    "service": _("技术服务"),
}


class PartyNature(models.TextChoices):
    GOVERNMENT = "10", _("机关法人")
    RESEARCH_INSTITUTE = "21", _("事业法人·科研机构")
    UNIVERSITY = "22", _("事业法人·高等院校")
    OTHER_PUBLIC = "23", _("事业法人·其他")
    SOCIAL_ORGANIZATION = "30", _("社会团体法人")
    DOMESTIC_ENTERPRISE = "41", _("企业法人·内资企业")
    HMT_ENTERPRISE = "42", _("企业法人·港澳台商投资企业")
    FOREIGN_ENTERPRISE = "43", _("企业法人·外商投资企业")
    INDIVIDUAL = "50", _("自然人")
    OTHER = "60", _("其他组织")


class TechField(models.TextChoices):
    ELECTRONICS = "01", _("电子信息")
    ADVANCED_MANUFACTURING = "02", _("先进制造")
    AEROSPACE = "03", _("航空航天")
    TRANSPORT = "04", _("现代交通")
    NEW_MATERIALS = "05", _("新材料及其应用")
    ENERGY = "06", _("新能源与高效节能")
    ENVIRONMENT = "07", _("环境保护与资源综合利用")
    BIOMEDICINE = "08", _("生物、医药和医疗器械")
    AGRICULTURE = "09", _("农业")
    URBAN = "10", _("城市建设与社会发展")
    NUCLEAR = "11", _("核应用")


class SocioEconomicObjective(models.TextChoices):
    ENVIRONMENT = "01", _("环境保护、生态建设及污染防治")
    ENERGY = "02", _("能源生产、分配和合理利用")
    HEALTH = "03", _("卫生事业发展")
    EDUCATION = "04", _("教育事业发展")
    INFRASTRUCTURE = "05", _("基础设施以及城市和农村规划")
    SOCIAL = "06", _("社会发展和社会服务")
    EARTH = "07", _("地球和大气层的探索与利用")
    CIVIL_SPACE = "08", _("民用空间探测及开发")
    AGRICULTURE = "09", _("农林牧渔业发展")
    INDUSTRY = "10", _("促进工业发展")
    DEFENCE = "11", _("非定向研究")
    OTHER = "12", _("其他民用目标")


class PlanSource(models.TextChoices):
    NATIONAL = "national", _("国家科技计划")
    MINISTERIAL = "ministerial", _("省、部级计划")
    MUNICIPAL = "municipal", _("地市县级计划")
    ENTERPRISE = "enterprise", _("企业自选")
    OTHER = "other", _("其他（计划外）")


class RefusalReason(models.TextChoices):
    NOT_TECHNOLOGY = "not_technology", _("不属于技术合同")
    SUBJECT_UNCLEAR = "subject_unclear", _("标的不明确")
    PRICE_UNCLEAR = "price_unclear", _("价款、报酬或使用费不明确")
    PARTIES_UNCLEAR = "parties_unclear", _("当事人不明确")
    APPROVAL_MISSING = "approval_missing", _("依法应经批准而未提交批准文件")
    NAME_MISMATCH = "name_mismatch", _("合同名称与约定的权利义务不符")
    RESTRICTS_COMPETITION = "restricts_competition", _("含有限制技术竞争和技术发展的条款")
    SEALS_MISSING = "seals_missing", _("签章或附件不全")
    ORAL_CONTRACT = "oral_contract", _("口头合同，未采用书面形式")


class RegistrationPoint(TimeStampedModel):
    """A technology-contract registration point (技术合同登记机构), run by a technology market."""

    organization = models.ForeignKey(
        Organization, verbose_name=_("登记机构"), on_delete=models.PROTECT, related_name="registration_points"
    )
    name = models.CharField(_("登记点名称"), max_length=120)
    province = models.ForeignKey(Region, verbose_name=_("省份"), on_delete=models.PROTECT, related_name="+")
    city = models.ForeignKey(Region, verbose_name=_("城市"), on_delete=models.PROTECT, related_name="+")
    point_code = models.CharField(_("登记点代码"), max_length=2, help_text=_("两位数字"))
    decision_days = models.PositiveSmallIntegerField(_("认定期限(日)"), default=30)
    is_active = models.BooleanField(_("启用"), default=True)
    reference_key = models.CharField(max_length=40, null=True, blank=True, unique=True)

    class Meta:
        ordering = ["province__code", "city__code", "point_code"]
        verbose_name = _("技术合同登记点")
        verbose_name_plural = _("技术合同登记点")
        constraints = [
            models.UniqueConstraint(fields=["city", "point_code"], name="uniq_registration_point_code"),
            models.CheckConstraint(
                name="registration_point_days", condition=Q(decision_days__gte=1, decision_days__lte=180)
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def permission_target(self) -> Target:
        return Target(province_code=self.province.code, organization_id=self.organization_id)

    @property
    def number_prefix(self) -> str:
        """Province + city + point, 6 digits: the number without its year and serial."""
        return f"{self.province.code[:2]}{self.city.code[2:4]}{self.point_code}"


class TechContract(TimeStampedModel):
    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("待认定")
        REGISTERED = "registered", _("已登记")
        REFUSED = "refused", _("不予登记")
        WITHDRAWN = "withdrawn", _("已撤回")

    point = models.ForeignKey(
        RegistrationPoint, verbose_name=_("登记点"), on_delete=models.PROTECT, related_name="contracts"
    )
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.SUBMITTED)
    number = models.CharField(_("登记编号"), max_length=14, null=True, blank=True, unique=True)
    serial = models.PositiveIntegerField(null=True, blank=True)
    name = models.CharField(_("合同名称"), max_length=200)
    contract_type = models.CharField(_("合同类型"), max_length=24, choices=ContractType.choices)
    listing = models.ForeignKey(
        Listing, verbose_name=_("对应信息"), null=True, blank=True, on_delete=models.SET_NULL, related_name="contracts"
    )
    # Seller (registered on the seller's side) and buyer.
    seller_organization = models.ForeignKey(
        Organization, verbose_name=_("卖方单位"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    seller_name = models.CharField(_("卖方名称"), max_length=120)
    seller_nature = models.CharField(_("卖方性质"), max_length=2, choices=PartyNature.choices)
    seller_region = models.CharField(_("卖方所在地区"), max_length=6, blank=True, help_text=_("GB/T 2260 六位代码"))
    seller_country = models.CharField(
        _("卖方国家或地区"), max_length=3, default="156", help_text=_("ISO 3166 数字代码")
    )
    buyer_organization = models.ForeignKey(
        Organization, verbose_name=_("买方单位"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    buyer_name = models.CharField(_("买方名称"), max_length=120)
    buyer_nature = models.CharField(_("买方性质"), max_length=2, choices=PartyNature.choices)
    buyer_region = models.CharField(_("买方所在地区"), max_length=6, blank=True)
    buyer_country = models.CharField(_("买方国家或地区"), max_length=3, default="156")
    signed_on = models.DateField(_("签订日期"))
    valid_from = models.DateField(_("有效期起"))
    valid_until = models.DateField(_("有效期止"))
    tech_field = models.CharField(_("技术领域"), max_length=2, choices=TechField.choices)
    field = models.ForeignKey(TaxonomyNode, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    ip_type = models.CharField(_("知识产权类型"), max_length=20, choices=IPType.choices)
    objective = models.CharField(_("社会经济目标"), max_length=2, choices=SocioEconomicObjective.choices)
    plan_source = models.CharField(_("计划来源"), max_length=12, choices=PlanSource.choices)
    contract_amount = models.DecimalField(_("合同成交额(元)"), **MONEY)
    technology_amount = models.DecimalField(_("技术交易额(元)"), **MONEY)
    non_technical_costs = models.JSONField(
        _("非技术性费用"), default=list, blank=True, help_text=_("[{item, amount}]：设备、仪器、零部件、原材料等")
    )
    expected_investment = models.DecimalField(_("预计新增投资(元)"), null=True, blank=True, **MONEY)
    expected_output = models.DecimalField(_("预计新增产值(元)"), null=True, blank=True, **MONEY)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(_("申请时间"), null=True, blank=True)
    decision_due = models.DateField(_("认定期限"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    registered_at = models.DateTimeField(_("登记时间"), null=True, blank=True)
    refused_at = models.DateTimeField(_("不予登记时间"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("撤回时间"), null=True, blank=True)
    refusal_reasons = models.JSONField(_("不予登记理由"), default=list, blank=True)
    refusal_note = models.CharField(_("说明"), max_length=500, blank=True)
    reference_key = models.CharField(max_length=40, null=True, blank=True, unique=True)

    class Meta:
        ordering = ["-submitted_at", "-id"]
        verbose_name = _("技术合同")
        verbose_name_plural = _("技术合同")
        indexes = [
            models.Index(fields=["point", "status", "decision_due"], name="contract_point_status_due"),
            models.Index(fields=["status", "registered_at"], name="contract_status_registered"),
            # a seller's registered contracts of a period, covering their amount (the bases' derived
            # figures, the zones' private shares read it per organisation without touching the rows)
            models.Index(
                fields=["seller_organization", "status", "registered_at", "contract_amount"],
                name="contract_seller_registered",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                name="contract_technology_le_total", condition=Q(technology_amount__lte=F("contract_amount"))
            ),
            models.CheckConstraint(name="contract_amounts_nonnegative", condition=Q(technology_amount__gte=0)),
            models.CheckConstraint(name="contract_validity_ordered", condition=Q(valid_until__gte=F("valid_from"))),
            models.CheckConstraint(
                name="contract_registered_has_number",
                condition=~Q(status="registered") | Q(number__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return self.number or self.name

    def get_absolute_url(self) -> str:
        return reverse("market:contract_detail", args=[self.pk])

    def permission_target(self) -> Target:
        # the registration point's staff decide; the seller's organisation submits and reads
        return Target(province_code=self.point.province.code, organization_id=self.point.organization_id)

    @property
    def family(self) -> str:
        return CONTRACT_FAMILY[self.contract_type]


class ContractSerial(models.Model):
    """The last serial given per point and year: taken and bumped under lock, so numbers are
    unique and gap-free even when registrations race."""

    point = models.ForeignKey(RegistrationPoint, on_delete=models.CASCADE, related_name="serials")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["point", "year"], name="uniq_contract_serial"),
            models.CheckConstraint(name="contract_serial_bounded", condition=Q(last__lte=999999)),
        ]

    def __str__(self) -> str:
        return f"{self.point_id}/{self.year}: {self.last}"


CHINA = "156"
CHINA_UNKNOWN = "000000"  # a Chinese party without a region code
NORTHEAST = ("210000", "220000", "230000")


def party_area(region: str, country: str) -> str:
    """A party's statistics area: its province code in China ("210000"), "000000" for China
    without a region, "X" + ISO 3166 numeric abroad ("X840")."""
    if country and country != CHINA:
        return f"X{country}"
    if region and len(region) >= 2 and region[:2].isdigit() and region[:2] != "00":
        return f"{region[:2]}0000"
    return CHINA_UNKNOWN


class ContractStat(models.Model):
    """Registered contracts summed per month, registration point's province and one dimension,
    kept in step with each registration in its own transaction, so a year's statistics read a few
    thousand rows, not a million.

    One row per (year, month, point province, dimension, key[, key2]); a registration adds one to
    a row of each dimension (seven rows, one upsert). A full cross-product of all dimensions would
    give nearly one row per contract and gain nothing. Dimensions: "type" (contract type),
    "field", "ip", "seller_nature", "buyer_nature", "plan", and "flow" (key = seller area,
    key2 = buyer area). Areas: a province code ("210000") for China, "000000" for China with no
    region, "X" + ISO 3166 numeric abroad ("X840"). Amounts in fen (integers), exact on every
    backend."""

    class Dimension(models.TextChoices):
        TYPE = "type", _("合同类型")
        FIELD = "field", _("技术领域")
        IP = "ip", _("知识产权类型")
        SELLER_NATURE = "seller_nature", _("卖方性质")
        BUYER_NATURE = "buyer_nature", _("买方性质")
        PLAN = "plan", _("计划来源")
        FLOW = "flow", _("技术流向")

    year = models.PositiveSmallIntegerField()
    month = models.PositiveSmallIntegerField()
    point_province = models.CharField(max_length=6)
    dimension = models.CharField(max_length=16, choices=Dimension.choices)
    key = models.CharField(max_length=24)
    key2 = models.CharField(max_length=6, blank=True, default="")
    contracts = models.PositiveIntegerField(default=0)
    contract_fen = models.BigIntegerField(default=0)
    technology_fen = models.BigIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["year", "point_province", "dimension"], name="contract_stat_year")]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "month", "point_province", "dimension", "key", "key2"],
                name="uniq_contract_stat_cell",
            ),
            models.CheckConstraint(name="contract_stat_month", condition=Q(month__gte=1, month__lte=12)),
        ]

    def __str__(self) -> str:
        return f"{self.year}-{self.month:02d} {self.dimension}:{self.key}{self.key2}: {self.contracts}"
