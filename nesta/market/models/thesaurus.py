"""The domain thesaurus the matcher uses to bridge plant-floor and academic words.

A concept groups the words people use for one thing: the problem an enterprise sees (铸件有砂眼),
the phenomenon behind it (气孔、缩松), the technique that addresses it (缩松缺陷控制). Reference
data seeds it from the taxonomy; the operator extends it in the UI.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from nesta.core.models import TaxonomyNode, TimeStampedModel


class ThesaurusConcept(TimeStampedModel):
    name = models.CharField(_("概念"), max_length=60, unique=True)
    field = models.ForeignKey(
        TaxonomyNode, verbose_name=_("所属领域"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.CharField(_("说明"), max_length=300, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reference_key = models.CharField(max_length=60, null=True, blank=True, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("领域词表概念")
        verbose_name_plural = _("领域词表概念")

    def __str__(self) -> str:
        return self.name


class ThesaurusTerm(models.Model):
    class Role(models.TextChoices):
        PROBLEM = "problem", _("问题表述")
        PHENOMENON = "phenomenon", _("现象")
        TECHNIQUE = "technique", _("技术")
        SYNONYM = "synonym", _("同义词")

    concept = models.ForeignKey(ThesaurusConcept, on_delete=models.CASCADE, related_name="terms")
    term = models.CharField(_("词语"), max_length=40)
    role = models.CharField(_("角色"), max_length=12, choices=Role.choices, default=Role.SYNONYM)

    class Meta:
        ordering = ["concept", "role", "term"]
        verbose_name = _("词表词语")
        verbose_name_plural = _("词表词语")
        indexes = [models.Index(fields=["term"])]
        constraints = [models.UniqueConstraint(fields=["concept", "term"], name="uniq_thesaurus_term")]

    def __str__(self) -> str:
        return self.term
