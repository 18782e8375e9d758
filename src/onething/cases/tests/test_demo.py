from onething.cases.demo import load_demo_cases
from onething.cases.models import Application


def test_demo_cases_cover_the_main_states_once(demo):
    assert load_demo_cases() == {"applications": 4}
    states = set(Application.objects.values_list("status", flat=True))
    assert {"delivered", "correction", "accepted", "submitted"} <= states
    assert Application.objects.filter(enterprise__isnull=False).exists()
    assert load_demo_cases() == {"applications": 0}
