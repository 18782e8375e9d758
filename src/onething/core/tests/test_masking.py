import logging

from onething.core.masking import MaskPIIFilter, mask_id_number, mask_phone, mask_text


def test_masks_keep_only_the_ends():
    assert mask_id_number("320102199003151234") == "3201**********1234"
    assert mask_phone("13812345678") == "138****5678"
    assert mask_id_number("") == mask_phone(None) == ""


def test_free_text_is_masked():
    text = "申请人 11010519491231002X 电话13812345678，订单号 2026112200001"
    masked = mask_text(text)
    assert "11010519491231002X" not in masked and "13812345678" not in masked
    assert "1101**********002X" in masked and "138****5678" in masked
    assert "2026112200001" in masked


def test_log_records_are_masked():
    record = logging.LogRecord(
        "x", logging.INFO, __file__, 1, "id %s", ("11010519491231002X",), None
    )
    MaskPIIFilter().filter(record)
    assert record.getMessage() == "id 1101**********002X"
