import pytest
from django.core.cache import cache
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from onething.accounts.models import StaffRole


@pytest.fixture(autouse=True)
def _clear_throttle():
    cache.clear()


def test_sign_in_page_and_applicant_home_shows_masked_numbers(client, applicant):
    assert client.get("/accounts/login/").status_code == 200
    response = client.post(
        "/accounts/login/", {"username": "zhangsan", "password": "pw-Test-123"}, follow=True
    )
    page = response.content.decode()
    assert "1101**********002X" in page and "138****5678" in page
    assert "11010519491231002X" not in page and "13812345678" not in page


def test_wrong_password_shows_a_plain_message(client, applicant):
    response = client.post("/accounts/login/", {"username": "zhangsan", "password": "bad"})
    assert "用户名或密码不正确" in response.content.decode()


def test_staff_home_shows_roles_and_department(client, make_staff):
    user = make_staff("321183", "health", StaffRole.COORDINATOR, StaffRole.APPROVER)
    client.force_login(user)
    page = client.get("/home/", follow=True).content.decode()
    assert "句容市卫生健康委员会" in page
    assert "牵头部门协调人" in page and "部门审批人员" in page


def test_applicants_cannot_open_the_staff_page(client, applicant):
    client.force_login(applicant)
    response = client.get("/staff/")
    assert response.status_code == 403
    assert "仅供工作人员" in response.content.decode()


def test_applicants_are_not_offered_a_staff_second_factor(client, applicant):
    client.force_login(applicant)
    for page in ("/staff/otp/setup/", "/staff/otp/verify/"):
        response = client.get(page)
        assert response.status_code == 403, page
        assert "仅供工作人员" in response.content.decode()
    assert client.post("/staff/otp/setup/", {"code": "123456"}).status_code == 403
    assert not TOTPDevice.objects.filter(user=applicant).exists()


def test_totp_enrolment_then_required_in_production_mode(client, make_staff, settings):
    user = make_staff("321183", "health", StaffRole.APPROVER)
    client.force_login(user)
    page = client.get("/staff/otp/setup/")
    assert "<svg" in page.content.decode()
    device = TOTPDevice.objects.get(user=user)
    code = f"{totp(device.bin_key, device.step, device.t0, device.digits):06d}"
    assert client.post("/staff/otp/setup/", {"code": code}).status_code == 302
    device.refresh_from_db()
    assert device.confirmed

    settings.ONETHING_REQUIRE_STAFF_OTP = True
    client.logout()
    client.force_login(user)
    response = client.get("/staff/")
    assert response.status_code == 302 and response["Location"].endswith("/staff/otp/verify/")


def test_security_headers(client, db):
    response = client.get("/accounts/login/")
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
