"""Deterministic demo data: staff for every grade and team, and people with names in many scripts.

The same seed always gives the same people (names, dates, documents); only the demo passwords are
fresh each time, printed once and written to ``<data>/demo-logins.txt`` (mode 600).
"""

from __future__ import annotations

import datetime as dt
import random
import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction

from portcullis.audit.services import record
from portcullis.documents import generate_mrz
from portcullis.people.models import Person
from portcullis.people.services import DocumentInput, NameInput, PersonDetails, resolve_people
from portcullis.workforce.authority import SYSTEM
from portcullis.workforce.models import Location, StaffProfile, Team

LOCATIONS = [
    ("LHR", "Heathrow Airport", Location.Kind.PORT),
    ("DVR", "Port of Dover", Location.Kind.PORT),
    ("SHF", "Sheffield casework unit", Location.Kind.CASEWORK),
    ("CRO", "Croydon, Lunar House", Location.Kind.CASEWORK),
    ("JSY", "Jersey Customs and Immigration", Location.Kind.CASEWORK),
    ("ENF", "London enforcement office", Location.Kind.ENFORCEMENT),
]

# team code, name, function, location, grades
TEAMS = [
    ("lhr-border", "Heathrow Terminal 5 border force", Team.Function.BORDER, "LHR", ["AIO", "IO", "CIO"]),
    ("dvr-border", "Dover Eastern Docks border force", Team.Function.BORDER, "DVR", ["AIO", "IO", "CIO"]),
    ("shf-visas", "Sheffield visas and work permits", Team.Function.CASEWORK, "SHF", ["AA", "AO", "EO", "HEO", "SEO", "G7"]),
    ("cro-nationality", "Croydon nationality and EU settlement", Team.Function.CASEWORK, "CRO", ["AO", "EO", "HEO", "SEO"]),
    ("jsy-casework", "Jersey immigration casework", Team.Function.CASEWORK, "JSY", ["AO", "EO", "HEO"]),
    ("cro-status-review", "Status review unit", Team.Function.STATUS_REVIEW, "CRO", ["EO", "HEO", "SEO"]),
    ("enf-removals", "Enforcement and removals", Team.Function.ENFORCEMENT, "ENF", ["EO", "HEO", "IO", "CIO"]),
    ("shf-admin", "Casework support", Team.Function.ADMIN, "SHF", ["AA", "AO"]),
    ("shf-recruitment", "Officer recruitment", Team.Function.RECRUITMENT, "SHF", ["EO", "HEO"]),
]

STAFF_NAMES = [
    ("Amara", "Okafor"), ("Siân", "Llewellyn"), ("Tomasz", "Wójcik"), ("Priya", "Raman"), ("Eilidh", "MacLeod"),
    ("Kwame", "Mensah"), ("Noor", "Haddad"), ("Gareth", "Pryce"), ("Mei", "Chen"), ("Oluwaseun", "Adeyemi"),
    ("Chloé", "Dubois"), ("Rhys", "Bowen"), ("Fatima", "Begum"), ("Declan", "O'Brien"), ("Ines", "Carvalho"),
]

# Names by script, with the nationalities that go with them.
LATIN = {
    "given_m": ["José", "François", "Łukasz", "Søren", "Ángel", "Jürgen", "Mário", "Tomáš", "Björn", "Zoltán", "Luca",
                "Seán", "Joël", "Dávid", "Stanisław", "Oğuz", "Mateus", "Nicolás", "Václav", "Matthias"],
    "given_f": ["Zoë", "Renée", "Małgorzata", "Ingrid", "Inês", "Chloé", "Ana María", "Dorota", "Siobhán", "Ágnes",
                "Élodie", "Kateřina", "Şebnem", "Björk", "Noémie", "Jolanta", "Lucía", "Frida", "Aoife", "Céline"],
    "family": ["García", "Müller", "Kowalczyk", "Nørgaard", "Fernández", "Schröder", "Gonçalves", "Dvořák", "Öberg",
               "Szabó", "Rossi", "Ó Súilleabháin", "Lefèvre", "Horváth", "Wiśniewski", "Yılmaz", "Peña", "van der Berg",
               "de la Cruz", "Núñez", "O'Connor", "Smith-Jones", "Kovačević", "Ibáñez", "Brontë"],
    "nationalities": ["ESP", "DEU", "POL", "DNK", "PRT", "FRA", "CZE", "SWE", "HUN", "ITA", "IRL", "TUR", "BRA", "NLD"],
}
ARABIC = {
    "given_m": ["محمد", "أحمد", "علي", "حسن", "خالد", "عمر", "يوسف", "إبراهيم", "عبد الله", "طارق"],
    "given_f": ["فاطمة", "عائشة", "مريم", "نور", "ليلى", "سارة", "زينب", "هدى", "رنا", "أمل"],
    "family": ["العلي", "حسين", "الحسن", "منصور", "الخطيب", "سليمان", "الشامي", "حداد", "النجار", "القاسم"],
    "nationalities": ["EGY", "SAU", "JOR", "SYR", "IRQ", "MAR", "LBN", "SDN"],
}
CYRILLIC = {
    "given_m": ["Иван", "Дмитрий", "Сергей", "Алексей", "Мухаммед", "Олег", "Николай", "Андрій", "Богдан", "Георги"],
    "given_f": ["Анна", "Мария", "Ольга", "Екатерина", "Наталья", "Олена", "Ирина", "Светлана", "Юлія", "Елена"],
    "family": ["Петров", "Смирнов", "Иванов", "Кузнецов", "Шевченко", "Коваленко", "Попов", "Соколов", "Бондаренко", "Димитров"],
    "nationalities": ["RUS", "UKR", "BGR", "SRB", "KAZ", "BLR"],
}
CHINESE = {
    "given_m": ["伟", "强", "磊", "军", "洋", "勇", "杰", "涛", "明", "超"],
    "given_f": ["娜", "静", "敏", "丽", "艳", "芳", "婷", "雪", "慧", "玲"],
    "family": ["王", "李", "张", "刘", "陈", "杨", "黄", "赵", "周", "吴"],
    "nationalities": ["CHN", "TWN", "SGP", "HKG", "MYS"],
}
DEVANAGARI = {
    "given_m": ["राहुल", "अमित", "विजय", "सुरेश", "अर्जुन", "राजेश", "संजय", "आनंद", "रवि", "दीपक"],
    "given_f": ["प्रिया", "अनीता", "सुनीता", "पूजा", "नेहा", "कविता", "दीपिका", "लक्ष्मी", "सीमा", "रेखा"],
    "family": ["शर्मा", "पटेल", "सिंह", "गुप्ता", "वर्मा", "कुमार", "जोशी", "मेहता", "यादव", "थापा"],
    "nationalities": ["IND", "NPL"],
}
SCRIPTS = [("Latin", LATIN, 0.5), ("Arabic", ARABIC, 0.15), ("Cyrillic", CYRILLIC, 0.12),
           ("Chinese", CHINESE, 0.12), ("Devanagari", DEVANAGARI, 0.11)]


def _pick_script(rng: random.Random):
    roll, acc = rng.random(), 0.0
    for name, pool, weight in SCRIPTS:
        acc += weight
        if roll < acc:
            return name, pool
    return SCRIPTS[0][0], SCRIPTS[0][1]


def demo_person(rng: random.Random, index: int) -> PersonDetails:
    script, pool = _pick_script(rng)
    sex = rng.choice(["M", "F"])
    given = rng.choice(pool["given_m" if sex == "M" else "given_f"])
    family = rng.choice(pool["family"])
    if script == "Latin" and rng.random() < 0.25:
        given = f"{given} {rng.choice(pool['given_m' if sex == 'M' else 'given_f'])}"
    if script == "Chinese":
        full = f"{family}{given}"
    else:
        full = f"{given} {family}"
    birth = dt.date(1940, 1, 1) + dt.timedelta(days=rng.randrange(0, 365 * 66))
    roll = rng.random()
    if roll < 0.04:
        birth_text = f"{birth.year:04d}"
    elif roll < 0.07:
        birth_text = f"{birth.year:04d}-{birth.month:02d}"
    else:
        birth_text = birth.isoformat()
    nationalities = [rng.choice(pool["nationalities"])]
    if rng.random() < 0.08:
        second = rng.choice(LATIN["nationalities"] + ["GBR", "USA", "CAN"])
        if second not in nationalities:
            nationalities.append(second)
    state = nationalities[0]
    number = f"{rng.choice('ABCDEFGHJKLMNPRSTUVWXYZ')}{rng.choice('ABCDEFGHJKLMNPRSTUVWXYZ')}{index:07d}"
    expiry = dt.date(2026, 1, 1) + dt.timedelta(days=rng.randrange(0, 365 * 9))
    names = [NameInput(full_name=full, given_names=given, family_name=family)]
    if rng.random() < 0.05:
        names.append(NameInput(full_name=f"{rng.choice(pool['given_m' if sex == 'M' else 'given_f'])} {family}",
                               kind="alias"))
    mrz = generate_mrz(format="TD3", document_code="P", issuing_state=state, surname=family, given_names=given,
                       document_number=number, nationality=state, birth_date=birth_text, sex=sex, expiry_date=expiry)
    return PersonDetails(names=names, birth_date=birth_text, sex=sex, nationalities=nationalities,
                         documents=[DocumentInput(number=number, kind="passport", issuing_state=state,
                                                  expiry_date=expiry, mrz=mrz)])


def build_staff(rng: random.Random) -> list[dict]:
    User = get_user_model()
    locations = {code: Location.objects.update_or_create(code=code, defaults={"name": name, "kind": kind})[0]
                 for code, name, kind in LOCATIONS}
    logins = []
    counter = 0
    for code, name, function, location_code, grades in TEAMS:
        team, _ = Team.objects.update_or_create(code=code, defaults={
            "name": name, "function": function, "location": locations[location_code]})
        for grade in grades:
            counter += 1
            username = f"{grade.lower()}.{code}"
            first, last = STAFF_NAMES[counter % len(STAFF_NAMES)]
            password = secrets.token_urlsafe(12)
            user, created = User.objects.get_or_create(username=username, defaults={"first_name": first, "last_name": last})
            user.set_password(password)
            user.save()
            StaffProfile.objects.update_or_create(user=user, defaults={
                "grade": grade, "team": team, "location": locations[location_code], "staff_number": f"S{counter:05d}"})
            if created:
                record(SYSTEM, "staff.created", user, reason="demo data",
                       payload={"username": username, "grade": grade, "team": code})
            logins.append({"username": username, "password": password, "grade": grade, "team": name})
    return logins


def build_demo(*, people: int = 2000, seed: int = 9303, force: bool = False) -> list[dict] | None:
    if Person.objects.exists() and not force:
        return None
    rng = random.Random(seed)
    with transaction.atomic():
        logins = build_staff(rng)
    actor = get_user_model().objects.get(username=logins[0]["username"])
    for start in range(0, people, 250):
        batch = [demo_person(rng, index) for index in range(start, min(people, start + 250))]
        resolve_people(batch, actor=actor, reason="demo data", on_ambiguous="create")
    from portcullis.demo_hooks import run_hooks

    run_hooks(rng=rng, actor=actor)
    path = Path(settings.DATA_DIR) / "demo-logins.txt"
    path.write_text("".join(f"{r['username']}\t{r['password']}\t{r['grade']}\t{r['team']}\n" for r in logins))
    path.chmod(0o600)
    return logins
