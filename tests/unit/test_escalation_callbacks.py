"""The escalation card's buttons, as the domain writes them, are the handlers' callback data."""

from __future__ import annotations

from domain.schedule import EXTENSIONS
from domain.services.deadlines import (
    ESCALATION_CALL_DATA,
    ESCALATION_CONTACTED_DATA,
    ESCALATION_EXTEND_DATA,
    escalation_buttons,
)
from domain.services.staff_posts import DESK_OPEN_DATA, DESK_PICK_DATA
from fsm.desk import DeskCb
from fsm.escalation import EscalationCb, EscalationExtendCb


def test_escalation_data_packs_as_the_domain_writes_it() -> None:
    for by in EXTENSIONS:
        packed = EscalationExtendCb(action="ext", request_id=42, by=by).pack()
        assert ESCALATION_EXTEND_DATA.format(request_id=42, by=by) == packed
    assert (
        ESCALATION_CALL_DATA.format(request_id=42)
        == EscalationCb(action="call", request_id=42).pack()
    )
    assert (
        ESCALATION_CONTACTED_DATA.format(request_id=42)
        == EscalationCb(action="contacted", request_id=42).pack()
    )
    assert DESK_PICK_DATA.format(request_id=42) == DeskCb(action="assign", request_id=42).pack()
    assert DESK_OPEN_DATA.format(request_id=42) == DeskCb(action="open", request_id=42).pack()


def test_each_factory_reads_only_its_own_buttons() -> None:
    """Both factories share the ``esc`` prefix; the field count tells them apart."""
    datas = [b.callback_data for row in escalation_buttons(7) for b in row if b.callback_data]
    extend = [d for d in datas if d.startswith("esc:ext:")]
    other = [d for d in datas if d.startswith("esc:") and not d.startswith("esc:ext:")]
    assert len(extend) == len(EXTENSIONS) and len(other) == 2
    for data in extend:
        assert EscalationExtendCb.unpack(data).request_id == 7
        assert not _unpacks(EscalationCb, data)
    for data in other:
        assert EscalationCb.unpack(data).request_id == 7
        assert not _unpacks(EscalationExtendCb, data)


def _unpacks(factory: type[EscalationCb] | type[EscalationExtendCb], data: str) -> bool:
    try:
        factory.unpack(data)
    except (TypeError, ValueError):
        return False
    return True
