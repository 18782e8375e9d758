def test_list_search_and_detail(client, catalog):
    listed = client.get("/api/v1/one-things").json()
    assert len(listed) == 26
    assert client.get("/api/v1/one-things", {"audience": "enterprise"}).json()
    found = client.get("/api/v1/one-things", {"q": "生孩子"}).json()
    assert found[0]["name"] == "新生儿出生"
    detail = client.get(f"/api/v1/one-things/{found[0]['code']}").json()
    assert detail["departments"][0] == {"name": "市卫健委", "kind": "health", "role": "lead"}
    assert detail["items"] and all(
        i["statutory_days"] >= i["promised_days"] for i in detail["items"]
    )


def test_unknown_code_is_a_clear_404(client, catalog):
    response = client.get("/api/v1/one-things/NOPE")
    assert response.status_code == 404
    assert response.json()["code"] == "one_thing_not_found"
    assert "NOPE" in response.json()["message"]
