"""The five levels of 好差评 (国办发〔2019〕51号) and the fixed reason tags of each level.

非常满意、满意、基本满意 are good ratings (好评); 不满意 and 非常不满意 are bad ones (差评),
and every bad rating opens a rectification (整改). Tags are stored as their Chinese text, which
is also the message id of their English translation (pages show ``{% translate tag %}``).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop


class Level(models.IntegerChoices):
    VERY_SATISFIED = 5, _("非常满意")
    SATISFIED = 4, _("满意")
    BASIC = 3, _("基本满意")
    DISSATISFIED = 2, _("不满意")
    VERY_DISSATISFIED = 1, _("非常不满意")


# 不满意 or worse: a bad rating (差评) that opens a rectification
BAD_LEVELS = frozenset({Level.DISSATISFIED, Level.VERY_DISSATISFIED})
# 基本满意 or better counts as satisfied in the satisfaction rate (满意率)
SATISFIED_LEVELS = frozenset({Level.VERY_SATISFIED, Level.SATISFIED, Level.BASIC})
LEVELS_HIGH_TO_LOW = [Level(v) for v in (5, 4, 3, 2, 1)]

GOOD_TAGS = [
    gettext_noop("办事效率高"),
    gettext_noop("服务态度好"),
    gettext_noop("办事指南清楚"),
    gettext_noop("材料要求合理"),
    gettext_noop("一次办成"),
    gettext_noop("网上办理便捷"),
    gettext_noop("进度告知及时"),
]
FAIR_TAGS = [
    gettext_noop("办理时间较长"),
    gettext_noop("等候时间较长"),
    gettext_noop("指南不够清楚"),
    gettext_noop("服务态度一般"),
    gettext_noop("系统操作不便"),
]
BAD_TAGS = [
    gettext_noop("材料要求不清楚"),
    gettext_noop("多次跑动"),
    gettext_noop("超时办理"),
    gettext_noop("服务态度差"),
    gettext_noop("未一次性告知"),
    gettext_noop("重复提交材料"),
    gettext_noop("办事流程繁琐"),
    gettext_noop("系统操作困难"),
]

# The groups a page shows, each for the levels it applies to.
TAG_GROUPS: list[tuple[str, object, list[str], frozenset[int]]] = [
    ("good", _("满意在哪里"), GOOD_TAGS, frozenset({5, 4})),
    ("fair", _("哪里还可以改进"), FAIR_TAGS, frozenset({3})),
    ("bad", _("哪里不满意"), BAD_TAGS, frozenset({2, 1})),
]


def tags_for(level: int) -> list[str]:
    """The tags one may choose with ``level`` (their stored, Chinese form)."""
    for _code, _label, tags, levels in TAG_GROUPS:
        if level in levels:
            return list(tags)
    return []
