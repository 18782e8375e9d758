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


def test_guide_pdf_follows_the_page_choices(client, catalog):
    response = client.get("/one-things/JS-2022-07/guide.pdf", {"a.parents_ethnicity": "different"})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    bad = client.get("/one-things/JS-2022-07/guide.pdf", {"custom": "1", "item": "000709105001"})
    assert bad.status_code == 400 and "出生医学证明首次签发" in bad.content.decode()


def test_guide_page_shows_materials_exemptions_and_form(client, catalog):
    page = client.get("/one-things/JS-2022-07/").content.decode()
    assert "免于提交的材料" in page and "一张表单" in page and "<svg" in page
    assert "guide.pdf" in page


def test_preview_is_for_catalog_editors_only(client, catalog, make_staff):
    from onething.accounts.models import StaffRole

    assert client.get("/one-things/JS-2022-07/preview/").status_code == 403
    client.force_login(make_staff("321183", "govservice", StaffRole.CATALOG_EDITOR))
    assert "群众看不到" in client.get("/one-things/JS-2022-07/preview/").content.decode()


def test_metrics_page_lists_every_one_thing(client, catalog):
    page = client.get("/metrics/").content.decode()
    assert page.count("/one-things/JS-2022-") >= 26
    assert "22→4" in page
