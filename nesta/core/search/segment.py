"""Chinese segmentation, done once at write time (documents) and per query.

rjieba (jieba-rs) in search mode emits both the long words and their shorter parts
(扫描电镜 → 扫描, 电镜, 扫描电镜), so a query for either finds the record. The taxonomy's terms
are added to the dictionary, so 高温合金 and 稀土永磁 stay whole words too.
"""

import re
import threading
import unicodedata
from collections.abc import Iterable

import rjieba

# A token must hold a letter or digit: FTS5 and PostgreSQL both drop "_" and punctuation, and
# a query token they drop would match nothing on one backend and everything on the other.
_WORD = re.compile(r"[^\W_]", re.UNICODE)
_lock = threading.Lock()
_loaded_terms: set[str] = set()

# Domain words jieba's default dictionary lacks; the taxonomy adds its own at start-up.
BASE_TERMS = [
    "稀土永磁",
    "高温合金",
    "镁质材料",
    "能源材料",
    "光电子",
    "扫描电镜",
    "透射电镜",
    "核磁共振",
    "液质联用",
    "气质联用",
    "质谱仪",
    "衍射仪",
    "高新区",
    "孵化器",
    "生产力促进中心",
    "大学科技园",
    "重点实验室",
    "工程技术研究中心",
    "民营科技企业",
    "技术转移",
    "风险投资",
    "网络化制造",
    "中药现代化",
    "道地药材",
    "资源型城市",
    "接续产业",
    "农业科技园区",
    "科技咨询",
    "科技评估",
    # analytical and test techniques (the instrument network)
    "能谱",
    "能谱仪",
    "波谱",
    "波谱仪",
    "色谱",
    "色谱仪",
    "光谱",
    "光谱仪",
    "质谱",
    "电子显微镜",
    "气相色谱",
    "液相色谱",
    "离子色谱",
    "红外光谱",
    "拉曼光谱",
    "荧光光谱",
    "原子吸收",
    "原子力显微镜",
    "共聚焦显微镜",
    "热重分析",
    "差示扫描量热",
    "比表面",
    "流式细胞仪",
    "测序仪",
    "数控机床",
    "加工中心",
    "三坐标测量机",
    "材料试验机",
    "疲劳试验机",
    "无损检测",
    "探伤",
]


def add_terms(terms: Iterable[str]) -> None:
    with _lock:
        for term in terms:
            term = term.strip()
            if term and term not in _loaded_terms:
                rjieba.add_word(term, 20000, None)
                _loaded_terms.add(term)


add_terms(BASE_TERMS)


def normalize(text: str) -> str:
    # Full-width letters and digits become ASCII; Latin text is matched case-insensitively.
    return unicodedata.normalize("NFKC", text or "").lower()


def _inner_words(token: str) -> list[str]:
    """Dictionary words of four or more characters inside a longer word. Search mode emits only
    the two- and three-character parts, so 高新技术产业 alone would hide 高新技术 from a query."""
    n = len(token)
    return [
        token[i : i + size] for size in range(4, n) for i in range(n - size + 1) if rjieba.has_word(token[i : i + size])
    ]


def index_tokens(text: str) -> list[str]:
    """Tokens to index: search-mode segmentation, punctuation dropped."""
    tokens = []
    for t in rjieba.cut_for_search(normalize(text)):
        if _WORD.search(t):
            tokens.append(t)
            if len(t) > 4:
                tokens.extend(_inner_words(t))
    return tokens


def query_tokens(text: str) -> list[str]:
    """Tokens a query must all match: precise-mode segmentation, duplicates dropped."""
    seen: dict[str, None] = {}
    for t in rjieba.cut(normalize(text)):
        t = t.strip()
        if t and _WORD.search(t):
            seen.setdefault(t, None)
    return list(seen)
