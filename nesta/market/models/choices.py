"""The market's controlled vocabularies: kinds, statuses and the per-kind choice lists.

Kept apart from the models so that the per-kind schemas (`nesta.market.kinds`), the import
templates, the facets and the matcher read the same lists.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ListingKind(models.TextChoices):
    ACHIEVEMENT = "achievement", _("技术成果")
    DEMAND = "demand", _("技术需求")
    PROPERTY_RIGHT = "property_right", _("产权/股权")
    FINANCING = "financing", _("融资需求")
    INVESTOR = "investor", _("投资机构偏好")
    CAPACITY = "capacity", _("制造能力")
    OUTSOURCING = "outsourcing", _("外协需求")
    AGRI_VARIETY = "agri_variety", _("农业新品种/新技术")
    AGRI_SUPPLY = "agri_supply", _("农产品供应")
    AGRI_DEMAND = "agri_demand", _("农产品需求")
    SERVICE = "service", _("科技服务")


class ListingStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已提交")
    APPROVED = "approved", _("已审核")
    PUBLISHED = "published", _("已发布")
    NEGOTIATING = "negotiating", _("洽谈中")
    DEALT = "dealt", _("已成交")
    WITHDRAWN = "withdrawn", _("已撤回")
    EXPIRED = "expired", _("已过期")


# Visible to everyone (the public market); the rest only to the owner and the reviewers.
PUBLIC_STATUSES = (ListingStatus.PUBLISHED, ListingStatus.NEGOTIATING, ListingStatus.DEALT)


class Maturity(models.TextChoices):
    LAB = "lab", _("实验室")
    PILOT_SMALL = "pilot_small", _("小试")
    PILOT = "pilot", _("中试")
    INDUSTRIAL = "industrial", _("产业化")


MATURITY_ORDER = {m: i for i, m in enumerate(Maturity.values)}


class IPType(models.TextChoices):
    INVENTION_PATENT = "invention_patent", _("发明专利")
    UTILITY_MODEL = "utility_model", _("实用新型")
    DESIGN = "design", _("外观设计")
    SOFTWARE = "software", _("软件著作权")
    IC_LAYOUT = "ic_layout", _("集成电路布图设计")
    PLANT_VARIETY = "plant_variety", _("植物新品种")
    TRADE_SECRET = "trade_secret", _("技术秘密")
    BIOMEDICINE = "biomedicine", _("生物医药新品种")
    OTHER = "other", _("其他")
    NONE = "none", _("无")


class TransferMode(models.TextChoices):
    ASSIGNMENT = "assignment", _("转让")
    LICENSE = "license", _("许可")
    EQUITY = "equity", _("作价入股")
    CO_DEVELOPMENT = "co_development", _("合作开发")


class CooperationMode(models.TextChoices):
    COMMISSIONED = "commissioned", _("委托开发")
    COOPERATIVE = "cooperative", _("合作开发")
    ASSIGNMENT = "assignment", _("技术转让")
    LICENSE = "license", _("技术许可")
    CONSULTING = "consulting", _("技术咨询")
    SERVICE = "service", _("技术服务")
    JOINT_LAB = "joint_lab", _("共建研发机构")


class Stage(models.TextChoices):
    SEED = "seed", _("种子轮")
    ANGEL = "angel", _("天使轮")
    A = "a", _("A轮")
    B = "b", _("B轮")
    C = "c", _("C轮及以后")
    PRE_IPO = "pre_ipo", _("Pre-IPO")


STAGE_ORDER = {s: i for i, s in enumerate(Stage.values)}


class Currency(models.TextChoices):
    CNY = "CNY", _("人民币")
    USD = "USD", _("美元")
    EUR = "EUR", _("欧元")
    JPY = "JPY", _("日元")
    KRW = "KRW", _("韩元")


class Process(models.TextChoices):
    CNC = "cnc", _("数控加工")
    CASTING = "casting", _("铸造")
    FORGING = "forging", _("锻造")
    WELDING = "welding", _("焊接")
    HEAT_TREATMENT = "heat_treatment", _("热处理")
    SURFACE = "surface", _("表面处理")
    STAMPING = "stamping", _("冲压")
    INJECTION = "injection", _("注塑")
    ASSEMBLY = "assembly", _("装配")
    ADDITIVE = "additive", _("增材制造")
    TESTING = "testing", _("检测")


class PrecisionGrade(models.TextChoices):
    IT5 = "IT5", "IT5"
    IT6 = "IT6", "IT6"
    IT7 = "IT7", "IT7"
    IT8 = "IT8", "IT8"
    IT9 = "IT9", "IT9"
    IT10 = "IT10", "IT10"
    IT11 = "IT11", "IT11"
    IT12 = "IT12", _("IT12及更低")


class ServiceType(models.TextChoices):
    CONSULTING = "consulting", _("科技咨询")
    EVALUATION = "evaluation", _("科技评估")
    IP_AGENCY = "ip_agency", _("知识产权代理")
    TESTING = "testing", _("检验检测")
    TECH_BROKER = "tech_broker", _("技术经纪")
    FINANCE = "finance", _("科技金融")
    INCUBATION = "incubation", _("创业孵化")
    TRAINING = "training", _("技术培训")
    OTHER = "other", _("其他")


class AssetType(models.TextChoices):
    EQUITY = "equity", _("股权")
    REAL_ESTATE = "real_estate", _("房产土地")
    EQUIPMENT = "equipment", _("机器设备")
    IP = "ip", _("知识产权")
    OTHER = "other", _("其他资产")


class AgriGrade(models.TextChoices):
    PREMIUM = "premium", _("特级")
    FIRST = "first", _("一级")
    SECOND = "second", _("二级")
    THIRD = "third", _("三级")
    UNGRADED = "ungraded", _("等外/不分级")


class AgriCertification(models.TextChoices):
    GREEN = "green", _("绿色食品")
    ORGANIC = "organic", _("有机产品")
    GEO = "geo", _("地理标志")
    NONE = "none", _("无")
