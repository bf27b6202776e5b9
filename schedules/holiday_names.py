"""Chinese and English names of public holidays, whatever library the date came from.

`chinese_calendar` names holidays in English only and `holidays` in either language,
so both are mapped onto one bilingual pair here.
"""

from __future__ import annotations

from typing import NamedTuple


class HolidayName(NamedTuple):
    zh: str
    en: str


_BY_CHINESE_CALENDAR_NAME: dict[str, HolidayName] = {
    "New Year's Day": HolidayName("元旦", "New Year's Day"),
    "Spring Festival": HolidayName("春节", "Spring Festival"),
    "Tomb-sweeping Day": HolidayName("清明节", "Qingming Festival"),
    "Labour Day": HolidayName("劳动节", "Labour Day"),
    "Dragon Boat Festival": HolidayName("端午节", "Dragon Boat Festival"),
    "National Day": HolidayName("国庆节", "National Day"),
    "Mid-autumn Festival": HolidayName("中秋节", "Mid-Autumn Festival"),
    "Anti-Fascist 70th Day": HolidayName("抗战胜利70周年纪念日", "Victory Day (70th anniversary)"),
}

_BY_ZH: dict[str, HolidayName] = {name.zh: name for name in _BY_CHINESE_CALENDAR_NAME.values()}
_BY_ZH["农历除夕"] = HolidayName("除夕", "Lunar New Year's Eve")
_BY_ZH["除夕"] = _BY_ZH["农历除夕"]

WEEKEND_NAMES: dict[int, HolidayName] = {
    5: HolidayName("周六", "Saturday"),
    6: HolidayName("周日", "Sunday"),
}


def from_chinese_calendar(name: str) -> HolidayName:
    """Name as given by `chinese_calendar.constants.holidays` → bilingual pair."""
    return _BY_CHINESE_CALENDAR_NAME.get(name, HolidayName(name, name))


def from_zh(zh: str, en_hint: str | None = None) -> HolidayName:
    """A Chinese name (from `holidays` or an override note) → bilingual pair.

    "春节（补假）" keeps its suffix in Chinese and becomes "Spring Festival (observed)".
    """
    base, _, suffix = zh.partition("（")
    known = _BY_ZH.get(base)
    if known is None:
        return HolidayName(zh, en_hint or zh)
    if not suffix:
        return known
    return HolidayName(zh, f"{known.en} (observed)" if "补假" in suffix else en_hint or known.en)
