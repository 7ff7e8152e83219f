"""The declarative recognizer base, the named false-positive filters and the merged
context-identifier recognizer (invented values)."""
import re

from site_gen.phi.finding import Category
from site_gen.phi.text.recognizers import filters
from site_gen.phi.text.recognizers.base import Pattern, PatternRecognizer
from site_gen.phi.text.recognizers.context_id import ContextIdRecognizer, vin_ok


class _Ticket(PatternRecognizer):
    name = "ticket"
    category = Category.ID_NUMBER
    context_words = frozenset({"ticket"})
    filters = (lambda text, start, end: text[start:end].startswith("000"),)

    def patterns(self):
        return (Pattern("ticket number", re.compile(r"\b\d{6}\b"), 0.5),)

    def validate(self, value, pattern):
        return None if value.endswith("9") else pattern.score


def test_pattern_recognizer_applies_validator_filters_and_context():
    spans = list(_Ticket().find("ticket 123456, 000123 and 123459; also 654321"))
    found = {(s.start, s.end): s for s in spans}
    assert set(found) == {(7, 13), (39, 45)}            # 000123 filtered, 123459 not valid
    assert found[(7, 13)].score > found[(39, 45)].score  # the context word raised the first
    assert found[(7, 13)].why == "ticket number after a context word"
    assert found[(39, 45)].why == "ticket number"


def test_named_filters():
    assert filters.measurement_range("VT 900-1300 overnight", 3, 11)
    assert not filters.measurement_range("phone 900-1300", 6, 14)
    assert filters.clock_time("at 12:30", 3, 8)
    assert filters.years_only("1998 2004", 0, 9)
    assert filters.clock_then_value("AT 1800 116", 3, 11)
    assert filters.loose_digit_groups("glucose 140 220", 8, 15)
    assert not filters.loose_digit_groups("call me on 9472 7916", 11, 20)
    assert filters.value_series("gas 7.41 - 38 - 92 - 24 on 40%", 11, 23)
    assert not filters.value_series("gas 7.41 - 38, call 555 0142", 20, 28)
    assert not filters.value_series("pager 7.41 - 38", 6, 15)


def test_one_recognizer_for_devices_vehicles_and_biometrics():
    device, vehicle, biometric = (ContextIdRecognizer(k) for k in ("device", "vehicle", "biometric"))
    text = "Pacemaker serial QX40917, plate KZ 4471 and retina scan ID RS-88120; lot 2 used."
    spans = [(r.category, text[s.start:s.end]) for r in (device, vehicle, biometric) for s in r.find(text)]
    assert (Category.DEVICE_ID, "QX40917") in spans
    assert (Category.VEHICLE, "KZ 4471") in spans
    assert (Category.BIOMETRIC, "RS-88120") in spans
    assert not any(value == "2" for _, value in spans)
    assert vin_ok("1M8GDM9AXKP042788") and not vin_ok("1M8GDM9A1KP042788")
