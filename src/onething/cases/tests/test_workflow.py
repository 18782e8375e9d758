"""Every allowed and every forbidden transition of both state machines."""

import itertools

import pytest

from onething.cases.workflow import (
    ACTION_NAMES,
    APPLICATION_TRANSITIONS,
    TASK_TRANSITIONS,
    AppState,
    TaskState,
    application_next,
    task_next,
)
from onething.core.errors import Conflict

APP_STATES = [value for value, _ in AppState.CHOICES]
TASK_STATES = [value for value, _ in TaskState.CHOICES]
APP_ACTIONS = sorted({action for _, action in APPLICATION_TRANSITIONS})
TASK_ACTIONS = sorted({action for _, action in TASK_TRANSITIONS})


@pytest.mark.parametrize(("state", "action"), list(itertools.product(APP_STATES, APP_ACTIONS)))
def test_application_transitions(state, action):
    if (state, action) in APPLICATION_TRANSITIONS:
        assert application_next(state, action) == APPLICATION_TRANSITIONS[(state, action)]
    else:
        with pytest.raises(Conflict) as caught:
            application_next(state, action)
        assert ACTION_NAMES[action] in caught.value.message and caught.value.message_en


@pytest.mark.parametrize(("state", "action"), list(itertools.product(TASK_STATES, TASK_ACTIONS)))
def test_task_transitions(state, action):
    if (state, action) in TASK_TRANSITIONS:
        assert task_next(state, action) == TASK_TRANSITIONS[(state, action)]
    else:
        with pytest.raises(Conflict):
            task_next(state, action)


def test_finished_states_are_final_except_revocation():
    for state in TaskState.FINISHED:
        allowed = {action for (s, action) in TASK_TRANSITIONS if s == state}
        assert allowed <= {"revoke"}
    assert not any(
        s in {AppState.REFUSED, AppState.WITHDRAWN, AppState.DELIVERED}
        for s, _ in APPLICATION_TRANSITIONS
    )


def test_every_state_is_reachable_from_submission():
    reached, frontier = {AppState.SUBMITTED}, [AppState.SUBMITTED]
    while frontier:
        state = frontier.pop()
        for (source, _), target in APPLICATION_TRANSITIONS.items():
            if source == state and target not in reached:
                reached.add(target)
                frontier.append(target)
    assert reached == set(APP_STATES)
