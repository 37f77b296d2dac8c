"""Words the letters need in English and Welsh: dates, status kinds, service methods, scripts."""

from __future__ import annotations

import datetime as dt
import unicodedata

MONTHS = {
    "en": ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"],
    "cy": ["Ionawr", "Chwefror", "Mawrth", "Ebrill", "Mai", "Mehefin", "Gorffennaf", "Awst", "Medi", "Hydref",
           "Tachwedd", "Rhagfyr"],
}

KINDS = {
    "visitor": ("Leave to enter as a visitor", "Caniatâd i ddod i mewn fel ymwelydd"),
    "leave_to_enter": ("Leave to enter", "Caniatâd i ddod i mewn"),
    "leave_to_remain": ("Leave to remain", "Caniatâd i aros"),
    "entry_clearance": ("Entry clearance (visa)", "Cliriad mynediad (fisa)"),
    "eta": ("Electronic travel authorisation", "Awdurdodiad teithio electronig"),
    "skilled_worker": ("Skilled Worker leave", "Caniatâd fel Gweithiwr Medrus"),
    "work_permit": ("Work permit (Jersey)", "Trwydded waith (Jersey)"),
    "ilr": ("Indefinite leave to remain", "Caniatâd amhenodol i aros"),
    "euss_settled": ("Settled status (EU Settlement Scheme)", "Statws preswylydd sefydlog (Cynllun Preswylio'r UE)"),
    "euss_pre_settled": ("Pre-settled status (EU Settlement Scheme)",
                         "Statws preswylydd cyn-sefydlog (Cynllun Preswylio'r UE)"),
    "british_citizen": ("British citizen", "Dinesydd Prydeinig"),
    "right_of_abode": ("Right of abode", "Hawl i breswylio"),
    "naturalisation_certificate": ("Certificate of naturalisation as a British citizen",
                                   "Tystysgrif brodori fel dinesydd Prydeinig"),
}

METHODS = {
    "hand": ("by hand", "â llaw"),
    "email": ("by email", "drwy e-bost"),
    "post": ("by post", "drwy'r post"),
    "online": ("to your online account", "i'ch cyfrif ar-lein"),
}


def format_date(value, lang: str = "en") -> str:
    if value in (None, ""):
        return ""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value) if "T" in value else dt.date.fromisoformat(value)
    text = f"{value.day} {MONTHS['cy' if lang == 'cy' else 'en'][value.month - 1]} {value.year}"
    if isinstance(value, dt.datetime):
        text += f", {value:%H:%M}" if lang != "cy" else f", am {value:%H:%M}"
    return text


def kind_label(kind: str, lang: str = "en") -> str:
    pair = KINDS.get(kind)
    if pair is None:
        return (kind or "").replace("_", " ")
    return pair[1] if lang == "cy" else pair[0]


def method_label(method: str, lang: str = "en") -> str:
    pair = METHODS.get(method, (method, method))
    return pair[1] if lang == "cy" else pair[0]


def script_of(text: str) -> tuple[str, str]:
    """(lang, dir) hints for a name, so the PDF picks the right font and direction."""
    for ch in text or "":
        if not ch.isalpha():
            continue
        name = unicodedata.name(ch, "")
        if name.startswith(("ARABIC", "SYRIAC", "THAANA")):
            return "ar", "rtl"
        if name.startswith("HEBREW"):
            return "he", "rtl"
        if name.startswith(("CJK", "IDEOGRAPHIC")):
            return "zh-Hans", "ltr"
        if name.startswith(("HIRAGANA", "KATAKANA")):
            return "ja", "ltr"
        if name.startswith("HANGUL"):
            return "ko", "ltr"
    return "", "auto"
