"""The admin shows certificates and seals read only, and never a seal's private key."""

from onething.certificates.services import seal_for


def test_certificates_and_seals_are_read_only_and_the_private_key_never_shows(client, issue, user):
    certificate = issue()
    seal = seal_for(certificate.department)
    client.force_login(user("admin"))
    for url in (
        "/admin/certificates/certificate/",
        f"/admin/certificates/certificate/{certificate.pk}/change/",
        "/admin/certificates/departmentseal/",
        f"/admin/certificates/departmentseal/{seal.pk}/change/",
        "/admin/certificates/certificatetype/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        assert seal.private_key not in body
    body = client.get(f"/admin/certificates/departmentseal/{seal.pk}/change/").content.decode()
    assert "BEGIN PUBLIC KEY" in body and 'name="public_key"' not in body  # shown, not editable
    assert client.get("/admin/certificates/certificate/add/").status_code == 403
