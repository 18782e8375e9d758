import pytest

from onething.catalog.search import search_one_things


def names(query):
    return [o.name for o in search_one_things(query)]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("新生儿", "新生儿出生"),
        ("生孩子", "新生儿出生"),
        ("xsr", "新生儿出生"),
        ("xinshenger", "新生儿出生"),
        ("开饭店", "企业准营（开办餐饮店）"),
        ("老人去世", "公民身后"),
        ("退休", "退休（企业职工退休）"),
        ("公租房", "公租房申请"),
    ],
)
def test_everyday_words_pinyin_and_initials_find_the_one_thing(catalog, query, expected):
    assert names(query)[:1] == [expected]


def test_nonsense_finds_nothing(catalog):
    assert names("qqqzzz") == []
    assert names("   ") == []
