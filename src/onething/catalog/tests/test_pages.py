def test_home_lists_one_things_by_life_stage(client, catalog, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        page = client.get("/").content.decode()
    assert "个人办事" in page and "企业办事" in page
    assert "新生儿出生" in page and "企业开办" in page
    assert "全部“一件事”（26项）" in page


def test_search_fragment_and_full_page(client, catalog):
    fragment = client.get("/search/", {"q": "生孩子"}, headers={"HX-Request": "true"})
    assert "新生儿出生" in fragment.content.decode()
    assert "<html" not in fragment.content.decode()
    full = client.get("/", {"q": "开饭店"}).content.decode()
    assert "与“开饭店”相关的事项" in full


def test_one_thing_page_and_unknown_code(client, catalog):
    from onething.catalog.models import OneThing

    code = OneThing.objects.get(seq=7).code
    page = client.get(f"/one-things/{code}/").content.decode()
    assert "牵头部门" in page and "市卫健委" in page
    missing = client.get("/one-things/NOPE/")
    assert missing.status_code == 404 and "NOPE" in missing.content.decode()


def test_english_is_one_click_away(client, catalog):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = client.get("/").content.decode()
    assert 'lang="en"' in page
    assert "Do it once" in page
