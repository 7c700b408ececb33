"""The small table of regions the generator knows.

Regions 66 and 25 have their own real house lists; any other region reuses the Ekaterinburg or Vladivostok streets
under its own name, capital, codes and small settlements (a synthetic but well-formed region).
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RegionInfo:
    code: str                 # subject code, first part of every cadastral number
    name: str                 # «Свердловская»
    type_short: str           # «обл»
    type_full: str            # «область»
    source: str               # which real house list supplies streets: "ekaterinburg" | "vladivostok"
    capital: str              # the main city as it appears in the house list («Екатеринбург»)
    capital_as: str           # the name to write for it (differs when streets are borrowed)
    settlements: tuple[tuple[str, str], ...]   # (type, name) of small settlements used for borrowed streets
    cad_districts: tuple[str, str]             # cadastral district of the capital, of the small settlements
    oktmo: str                # 8-digit OKTMO of the capital's municipality
    okato: str                # 11-digit OKATO of the capital
    postal: str               # first three digits of the postal codes
    timezone: str             # «Часовая зона по Olson»
    rosreestr_branch: str     # «… по Свердловской области»
    passport_issuer: str      # «ГУ МВД России по Свердловской области»

    @property
    def full_name(self) -> str:
        """«Свердловская область», «Приморский край», «Республика Татарстан»."""
        if self.type_short == "Респ":
            return f"Республика {self.name}"
        return f"{self.name} {self.type_full}"


REGIONS: dict[str, RegionInfo] = {
    "66": RegionInfo("66", "Свердловская", "обл", "область", "ekaterinburg", "Екатеринбург", "Екатеринбург",
                     (), ("41", "25"), "65701000", "65401000000", "620", "Asia/Yekaterinburg",
                     "по Свердловской области", "ГУ МВД России по Свердловской области"),
    "25": RegionInfo("25", "Приморский", "край", "край", "vladivostok", "Владивосток", "Владивосток",
                     (("п", "Трудовое"), ("с", "Прохладное"), ("п", "Де-Фриз")), ("28", "10"),
                     "05701000", "05401000000", "690", "Asia/Vladivostok",
                     "по Приморскому краю", "УМВД России по Приморскому краю"),
    "27": RegionInfo("27", "Хабаровский", "край", "край", "ekaterinburg", "Екатеринбург", "Хабаровск",
                     (("п", "Березовка"), ("с", "Тополево"), ("с", "Некрасовка")), ("23", "17"),
                     "08701000", "08401000000", "680", "Asia/Vladivostok",
                     "по Хабаровскому краю", "УМВД России по Хабаровскому краю"),
    "72": RegionInfo("72", "Тюменская", "обл", "область", "ekaterinburg", "Екатеринбург", "Тюмень",
                     (("рп", "Боровский"), ("с", "Каменка"), ("п", "Винзили")), ("23", "17"),
                     "71701000", "71401000000", "625", "Asia/Yekaterinburg",
                     "по Тюменской области", "УМВД России по Тюменской области"),
    "16": RegionInfo("16", "Татарстан", "Респ", "Республика", "ekaterinburg", "Екатеринбург", "Казань",
                     (("пгт", "Васильево"), ("с", "Высокая Гора"), ("п", "Отары")), ("50", "16"),
                     "92701000", "92401000000", "420", "Europe/Moscow",
                     "по Республике Татарстан", "МВД по Республике Татарстан"),
    "54": RegionInfo("54", "Новосибирская", "обл", "область", "ekaterinburg", "Екатеринбург", "Новосибирск",
                     (("рп", "Кольцово"), ("с", "Криводановка"), ("п", "Садовый")), ("35", "19"),
                     "50701000", "50401000000", "630", "Asia/Novosibirsk",
                     "по Новосибирской области", "ГУ МВД России по Новосибирской области"),
    "74": RegionInfo("74", "Челябинская", "обл", "область", "ekaterinburg", "Екатеринбург", "Челябинск",
                     (("п", "Западный"), ("с", "Долгодеревенское"), ("п", "Трубный")), ("36", "19"),
                     "75701000", "75401000000", "454", "Asia/Yekaterinburg",
                     "по Челябинской области", "ГУ МВД России по Челябинской области"),
    "59": RegionInfo("59", "Пермский", "край", "край", "ekaterinburg", "Екатеринбург", "Пермь",
                     (("п", "Кукуштан"), ("с", "Култаево"), ("д", "Кондратово")), ("01", "32"),
                     "57701000", "57401000000", "614", "Asia/Yekaterinburg",
                     "по Пермскому краю", "ГУ МВД России по Пермскому краю"),
    "63": RegionInfo("63", "Самарская", "обл", "область", "vladivostok", "Владивосток", "Самара",
                     (("пгт", "Смышляевка"), ("с", "Воскресенка"), ("п", "Мехзавод")), ("01", "17"),
                     "36701000", "36401000000", "443", "Europe/Samara",
                     "по Самарской области", "ГУ МВД России по Самарской области"),
    "02": RegionInfo("02", "Башкортостан", "Респ", "Республика", "vladivostok", "Владивосток", "Уфа",
                     (("с", "Михайловка"), ("с", "Чесноковка"), ("д", "Шмидтово")), ("55", "47"),
                     "80701000", "80401000000", "450", "Asia/Yekaterinburg",
                     "по Республике Башкортостан", "МВД по Республике Башкортостан"),
}


def region_info(code: str) -> RegionInfo:
    """The region for a two-digit code; a clear error for codes the generator does not know."""
    code = str(code).zfill(2)
    if code not in REGIONS:
        known = ", ".join(sorted(REGIONS))
        raise ValueError(f"unknown region code {code!r}; the generator knows {known}")
    return REGIONS[code]
