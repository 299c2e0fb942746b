"""Every weight and threshold of the matcher, in one place (docs/market-matching.md explains them).

The score of a candidate is

    score = lexical_norm × (BASE + FIELD·field + REGION·region + FIT·fit + PRICE·price)

with every component in [0, 1] and BASE + FIELD + REGION + FIT + PRICE = 1, so a score is in
[0, 1]: the texts must be relevant for anything else to count, and the context (taxonomy field,
distance, maturity/stage/process fit, price/budget fit) moves a relevant candidate by up to
(1 − BASE).
"""

# --- lexical relevance (Okapi BM25 over the segmented texts) ---------------------------------
K1 = 1.2
B = 0.75
# A query word's weight in the query: words of the title and keywords count more than words of
# the long free text (the summary of a demand is dozens of words, most of them generic).
QUERY_TITLE_WEIGHT = 1.6
QUERY_KEYWORD_WEIGHT = 1.4
QUERY_TEXT_WEIGHT = 1.0
# Thesaurus: a concept both texts mention counts as a query word of this weight (its IDF is the
# concept's own, computed like a word's); the other words of a mentioned concept are added to
# the query at a lower weight, so a text using them is found even before it is re-tagged.
CONCEPT_WEIGHT = 1.8
EXPANSION_WEIGHT = 0.5
# The general thesaurus (同义词词林, general.py): a query word's synonyms at this share of its weight.
GENERAL_WEIGHT = 0.2
# lexical_norm = min(1, bm25 / (LEXICAL_FULL × the query's self-score)): the share of what the
# query itself would score, so the scale does not move with the collection's size and a candidate
# twice as relevant keeps twice the weight (the context then moves it by at most 1 − BASE).
# "saturate" is the alternative measured in docs/market-matching.md: 1 − exp(−bm25 / LEXICAL_SCALE).
LEXICAL_MODE = "self"
LEXICAL_FULL = 0.5
LEXICAL_SCALE = 12.0
# Candidates (candidates.py): the query's words by weight × IDF, each drawing at most TERM_CAP of
# its best postings (by BM25 impact), while the rows read stay within POSTING_BUDGET (a word past
# the budget still reads TERM_FLOOR while fewer than MIN_QUERY_TERMS are drawn); at most
# MAX_QUERY_TERMS words. The best CANDIDATES by the drawn score are re-scored exactly here with
# every word of the query.
MAX_QUERY_TERMS = 24
MIN_QUERY_TERMS = 4
POSTING_BUDGET = 12_000
TERM_CAP = 4_000
TERM_FLOOR = 300
MERGE_TWINS = True  # a compound's parts with the same frequencies draw once (candidates.plan)
CANDIDATES = 200
# The exact top k (pruning.py): the bounded draw above only gives a first threshold, then MaxScore
# reads the lists that can still matter. False: the bounded draw alone (approximate).
PRUNE = True
PRUNE_RESIDUAL = 0.15  # the unread lists may add at most this share of the k-th score (pruning.plan)
PRUNE_FIRST_BUDGET = 4_000  # the first draw's postings (its k-th exact score is the first θ)
PRUNE_FIRST_CANDIDATES = 100
# Read the lists from the packed posting blocks (blocks.py), summed in numpy; False: one SQL
# statement sums the posting rows (the previous read, kept for the benchmark's comparison).
PRUNE_BLOCKS = True

# --- the context components --------------------------------------------------------------------
BASE = 0.60
FIELD = 0.14
REGION = 0.08
FIT = 0.10
PRICE = 0.08

# Field closeness in the taxonomy tree.
FIELD_SAME = 1.0
FIELD_PARENT = 0.7  # one is the other's parent (or ancestor)
FIELD_SIBLING = 0.55  # same parent
FIELD_SAME_ROOT = 0.3  # same top-level area
FIELD_OTHER = 0.0

# Region (GB/T 2260): same city > same province > north-east > coast > rest of China > abroad.
REGION_SAME_CITY = 1.0
REGION_SAME_PROVINCE = 0.75
REGION_NORTHEAST = 0.5
REGION_COAST = 0.3
REGION_CHINA = 0.2
REGION_ABROAD = 0.05
NORTHEAST = ("21", "22", "23")  # 辽宁、吉林、黑龙江
COAST = ("12", "13", "21", "31", "32", "33", "35", "37", "44", "45", "46")
ABROAD = ("71", "81", "82")  # 台湾、香港、澳门 (境外 for a technology contract's flow)

# Fit (maturity, stage, process) and price; NEUTRAL when one side does not say.
NEUTRAL = 0.5

# --- notifications -----------------------------------------------------------------------------
# A match this strong, new since the listing was published, is sent to both owners (once a pair).
NOTIFY_THRESHOLD = 0.55
NOTIFY_MAX = 5  # at most this many of a listing's best matches are notified when it is published
