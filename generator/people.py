"""Fake personal data of owners and payers: names, SNILS, passports, birth data; organisations' OGRN/INN.

All values are made up (checksums are valid so validators accept them); they exist only so that Sverka's
dropping of personal data is exercised.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

SURNAMES = ("Иванов", "Смирнов", "Кузнецов", "Попов", "Васильев", "Петров", "Соколов", "Михайлов", "Новиков",
            "Фёдоров", "Морозов", "Волков", "Алексеев", "Лебедев", "Семёнов", "Егоров", "Павлов", "Козлов",
            "Степанов", "Николаев", "Орлов", "Андреев", "Макаров", "Никитин", "Захаров", "Зайцев", "Соловьёв",
            "Борисов", "Яковлев", "Григорьев", "Романов", "Воробьёв", "Сергеев", "Кузьмин", "Фролов",
            "Александров", "Дмитриев", "Королёв", "Гусев", "Киселёв", "Ильин", "Максимов", "Поляков", "Сорокин",
            "Виноградов", "Ковалёв", "Белов", "Медведев", "Антонов", "Тарасов", "Жуков", "Баранов", "Филиппов")
MALE = ("Александр", "Сергей", "Андрей", "Дмитрий", "Алексей", "Максим", "Евгений", "Иван", "Михаил", "Артём",
        "Николай", "Владимир", "Павел", "Роман", "Олег", "Юрий", "Виктор", "Игорь", "Денис", "Константин")
FEMALE = ("Елена", "Ольга", "Наталья", "Татьяна", "Ирина", "Светлана", "Анна", "Мария", "Екатерина", "Юлия",
          "Людмила", "Галина", "Марина", "Надежда", "Валентина", "Оксана", "Дарья", "Ксения", "Алёна", "Вера")
FATHERS = ("Александров", "Сергеев", "Андреев", "Дмитриев", "Алексеев", "Николаев", "Владимиров", "Викторов",
           "Юрьев", "Петров", "Иванов", "Михайлов", "Евгеньев", "Анатольев", "Борисов", "Геннадьев")
BIRTH_PLACES = ("гор. Свердловск", "гор. Екатеринбург", "гор. Владивосток", "гор. Нижний Тагил", "гор. Пермь",
                "гор. Челябинск", "с. Горный Щит Свердловской обл.", "гор. Тюмень", "гор. Уссурийск", "гор. Казань")


def _female_surname(name: str) -> str:
    if name.endswith(("ов", "ёв", "ев", "ин")):
        return name + "а"
    return name


def names(rng: np.random.Generator, n: int) -> pd.DataFrame:
    """Surname, first name, patronymic (gender-consistent), birth date and place."""
    female = rng.random(n) < 0.52
    surname = np.array(SURNAMES, dtype=object)[rng.integers(0, len(SURNAMES), n)]
    surname[female] = [_female_surname(s) for s in surname[female]]
    first = np.where(female, np.array(FEMALE, dtype=object)[rng.integers(0, len(FEMALE), n)],
                     np.array(MALE, dtype=object)[rng.integers(0, len(MALE), n)])
    father = np.array(FATHERS, dtype=object)[rng.integers(0, len(FATHERS), n)]
    middle = np.where(female, father + "на", father + "ич")
    birth = np.datetime64("1940-01-01") + rng.integers(0, 365 * 62, size=n).astype("timedelta64[D]")
    return pd.DataFrame({
        "surname": surname, "first_name": first, "patronymic": middle,
        "birth_date": birth.astype(str).astype(object),
        "birth_place": np.array(BIRTH_PLACES, dtype=object)[rng.integers(0, len(BIRTH_PLACES), n)],
        "female": female,
    })


def _digits(values: np.ndarray, width: int) -> pa.Array:
    """Integers as zero-padded digit strings (vectorised)."""
    return pc.utf8_lpad(pa.array(values, type=pa.int64()).cast(pa.string()), width, "0")


def snils(rng: np.random.Generator, n: int) -> np.ndarray:
    """«123-456-789 01» with a valid checksum."""
    digits = rng.integers(0, 10, size=(n, 9))
    digits[:, 0] = rng.integers(1, 10, size=n)
    total = digits @ np.arange(9, 0, -1)
    check = np.where(total < 100, total, np.where(total <= 101, 0, total % 101))
    check = np.where(check == 100, 0, check)
    body = _digits(digits @ (10 ** np.arange(8, -1, -1)), 9)
    parts = [pc.utf8_slice_codeunits(body, 0, 3), "-", pc.utf8_slice_codeunits(body, 3, 6), "-",
             pc.utf8_slice_codeunits(body, 6, 9), " ", _digits(check, 2)]
    return np.asarray(pc.binary_join_element_wise(*parts, "").to_numpy(zero_copy_only=False), dtype=object)


def passports(rng: np.random.Generator, n: int, region_code: str) -> pd.DataFrame:
    """Series «65 12», number, issue date."""
    year = rng.integers(0, 24, size=n)
    series = pc.binary_join_element_wise(f"{region_code[:2]} ", _digits(year, 2), "")
    number = _digits(rng.integers(0, 1_000_000, size=n), 6)
    issued = (np.datetime64("2001-01-01") + (year * 365 + rng.integers(0, 365, size=n)).astype("timedelta64[D]"))
    return pd.DataFrame({"series": np.asarray(series.to_numpy(zero_copy_only=False), dtype=object),
                         "number": np.asarray(number.to_numpy(zero_copy_only=False), dtype=object),
                         "issued": issued.astype(str).astype(object)})


def ogrn(rng: np.random.Generator, n: int, region_code: str) -> np.ndarray:
    """13-digit OGRN with its check digit (first digit 1, region in digits 4–5)."""
    head = 100 + rng.integers(2, 24, size=n)                     # «1» + two digits of the year
    body = rng.integers(0, 10**7, size=n)
    first12 = (head * 100 + int(region_code[:2])) * 10**7 + body
    check = (first12 % 11) % 10
    digits = pc.binary_join_element_wise(_digits(first12, 12), _digits(check, 1), "")
    return np.asarray(digits.to_numpy(zero_copy_only=False), dtype=object)


ORG_FORMS = ('ООО "{}"', 'АО "{}"', 'ИП {}', 'ООО «{}»')
ORG_WORDS = ("Универсам", "Аптека Плюс", "Уралторг", "Вектор", "Стройинвест", "Домашний очаг", "Меридиан", "Альфа",
             "Светлячок", "Парикмахерская Локон", "Стоматология Дента", "Продукты 24", "Восход", "Гермес")


def organisations(rng: np.random.Generator, n: int) -> np.ndarray:
    forms = rng.integers(0, len(ORG_FORMS), size=n)
    words = rng.integers(0, len(ORG_WORDS), size=n)
    return np.array([ORG_FORMS[f].format(ORG_WORDS[w]) if f != 2 else f"ИП Иванов И.И. ({ORG_WORDS[w]})"
                     for f, w in zip(forms, words)], dtype=object)
