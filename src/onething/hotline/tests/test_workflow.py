"""Every allowed and every forbidden step of the ticket's closed loop."""

import itertools

import pytest

from onething.core.errors import Conflict
from onething.hotline.workflow import (
    ACTION_NAMES,
    LOOP,
    TICKET_TRANSITIONS,
    TicketState,
    ticket_next,
    word_shown,
)

STATES = [value for value, _ in TicketState.CHOICES]
ACTIONS = sorted({action for _, action in TICKET_TRANSITIONS})


@pytest.mark.parametrize(("state", "action"), list(itertools.product(STATES, ACTIONS)))
def test_ticket_transitions(state, action):
    if (state, action) in TICKET_TRANSITIONS:
        assert ticket_next(state, action) == TICKET_TRANSITIONS[(state, action)]
    else:
        with pytest.raises(Conflict) as caught:
            ticket_next(state, action)
        assert ACTION_NAMES[action] in caught.value.message and caught.value.message_en


def test_every_state_is_reachable_and_every_ticket_can_reach_the_return_visit():
    reached, frontier = {TicketState.RECEIVED}, [TicketState.RECEIVED]
    while frontier:
        state = frontier.pop()
        for (source, _), target in TICKET_TRANSITIONS.items():
            if source == state and target not in reached:
                reached.add(target)
                frontier.append(target)
    assert reached == set(STATES)
    for state in STATES:
        if state == TicketState.VISITED:
            continue
        seen, todo = {state}, [state]
        while todo:
            current = todo.pop()
            for (source, _), target in TICKET_TRANSITIONS.items():
                if source == current and target not in seen:
                    seen.add(target)
                    todo.append(target)
        assert TicketState.VISITED in seen, state


def test_escalation_and_supervision_only_flag_open_tickets():
    for (state, action), target in TICKET_TRANSITIONS.items():
        if action in {"escalate", "supervise"}:
            assert state in TicketState.OPEN and target == state


def test_the_loop_words_in_english_take_a_call_in_not_an_application():
    from django.utils import translation

    with translation.override("en"):
        assert word_shown(LOOP[0]) == word_shown(ACTION_NAMES["receive"]) == "Intake"
        assert word_shown(ACTION_NAMES["assign"]) == "Route"
        assert translation.gettext("受理") == "Accept"  # the case page's button is unchanged
    assert word_shown("受理") == "受理"
