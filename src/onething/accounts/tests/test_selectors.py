import pytest

from onething.accounts.models import StaffRole
from onething.accounts.selectors import (
    department_require,
    departments_visible_to,
    staff_scope,
    staff_visible_to,
)
from onething.conftest import department
from onething.core.errors import PermissionDenied


def names(queryset):
    return {d.name for d in queryset}


def test_approver_sees_only_their_own_department(make_staff):
    approver = make_staff("321183", "health", StaffRole.APPROVER)
    assert names(departments_visible_to(approver)) == {"句容市卫生健康委员会"}
    department_require(approver, department("321183", "health"))
    for other in (department("321183", "police"), department("320115", "health")):
        with pytest.raises(PermissionDenied) as caught:
            department_require(approver, other)
        assert "其他部门" in caught.value.message


def test_supervisor_sees_their_region_and_below_but_not_another_city(make_staff):
    supervisor = make_staff("321183", "govservice", StaffRole.SUPERVISOR)
    visible = departments_visible_to(supervisor)
    regions = {d.region.code for d in visible}
    assert "321183" in regions and "321183002" in regions  # county and its streets
    assert not any(code.startswith("3201") for code in regions)
    department_require(supervisor, department("321183002", "street"))
    with pytest.raises(PermissionDenied):
        department_require(supervisor, department("320115", "police"))


def test_role_limits_the_scope(make_staff):
    user = make_staff("321183", "health", StaffRole.APPROVER)
    scope = staff_scope(user)
    assert scope.covers(department("321183", "health"), StaffRole.APPROVER)
    assert not scope.covers(department("321183", "health"), StaffRole.SUPERVISOR)


def test_platform_admin_sees_everything(make_staff):
    admin = make_staff("321183", "govservice", StaffRole.PLATFORM_ADMIN)
    department_require(admin, department("320115", "police"))
    assert departments_visible_to(admin).count() > 90


def test_applicants_see_no_department(applicant):
    assert not departments_visible_to(applicant).exists()
    with pytest.raises(PermissionDenied):
        department_require(applicant, department("321183", "health"))


def test_staff_list_is_scoped(make_staff):
    supervisor = make_staff("321183", "govservice", StaffRole.SUPERVISOR)
    make_staff("321183", "police", StaffRole.APPROVER)
    make_staff("320115", "police", StaffRole.APPROVER)
    listed = {m.department.region.code for m in staff_visible_to(supervisor)}
    assert listed == {"321183"}
