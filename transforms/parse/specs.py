"""The GIS ZhKKh sheet kinds Sverka reads: canonical columns, accepted header texts, value types.

One table for every template (CONTRACT.md §2). Header texts are the official ones, without their
instruction tails; matching (headers.py) tolerates case, ё/е, stars, line breaks and tails.
A column is `required` when a row without a readable value cannot be used: the sheet is rejected
without the column, and a row without the value is quarantined. Any other unreadable value loads
as NULL and its raw text goes to `quality.value_issues`.

Personal data columns (payer surname, name, patronymic, SNILS, identity document) are deliberately
absent: a column that is not in a spec is never read, so personal data is dropped at the door.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from transforms.parse.headers import normalise_header

# Value types understood by the staging SQL (warehouse/sql/macros.sql).
TEXT, DECIMAL, INTEGER, DATE, PERIOD, CADASTRAL, GUID, FLAG, READING, YEARS = (
    "text", "decimal", "integer", "date", "period", "cadastral", "guid", "flag", "reading", "years",
)


@dataclass(frozen=True)
class Column:
    name: str
    headers: tuple[str, ...]
    type: str = TEXT
    required: bool = False
    group: tuple[str, ...] | None = None  # the group header the sub-header must stand under

    normalised_headers: tuple[str, ...] = field(init=False, default=(), compare=False)
    normalised_groups: tuple[str, ...] = field(init=False, default=(), compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "normalised_headers", tuple(normalise_header(h) for h in self.headers))
        object.__setattr__(self, "normalised_groups", tuple(normalise_header(g) for g in self.group or ()))


@dataclass(frozen=True)
class SheetSpec:
    kind: str
    sheet_names: tuple[str, ...]
    columns: tuple[Column, ...]
    description: str = ""
    min_columns_to_recognise: int = 2
    normalised_sheet_names: tuple[str, ...] = field(init=False, default=())

    def __post_init__(self) -> None:
        object.__setattr__(
            self, "normalised_sheet_names", tuple(normalise_header(n) for n in self.sheet_names)
        )

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


def col(name: str, *headers: str, type: str = TEXT, required: bool = False, group=None) -> Column:
    if isinstance(group, str):
        group = (group,)
    return Column(name, tuple(headers), type, required, group)


CADASTRAL_HEADERS = ("Кадастровый номер (для связывания сведений с ГКН и ЕГРП)", "Кадастровый номер")
FIAS_HOUSE_HEADERS = (
    "Глобальный уникальный идентификатор дома по ФИАС/Идентификационный код дома в ГИС ЖКХ",
    "Глобальный уникальный идентификатор дома по ФИАС",
    "ФИАС дома",
)
CONFIRMED = col("confirmed_by_supplier", "Информация подтверждена поставщиком", type=FLAG)
STATUS = col("processing_status", "Статус обработки")

HOUSES = SheetSpec(
    kind="gis_houses",
    sheet_names=("Характеристики МКД",),
    description="one row per apartment building (МКД)",
    columns=(
        col("address", "Адрес", required=True),
        col("house_fias_guid", *FIAS_HOUSE_HEADERS, type=GUID),
        col("unom", "UNOM"),
        col("oktmo", "ОКТМО"),
        col("state", "Состояние"),
        col("life_cycle_stage", "Стадия жизненного цикла"),
        col("total_area", "Общая площадь здания", type=DECIMAL),
        col("year_commissioned", "Год ввода в эксплуатацию", type=INTEGER),
        col("floors", "Кол-во этажей", "Количество этажей", type=INTEGER),
        col("underground_floors", "Кол-во подземных этажей", "Количество подземных этажей", type=INTEGER),
        col("min_floors", "Количество этажей, наименьшее", type=INTEGER),
        col("olson_timezone", "Часовая зона по Olson"),
        col("cultural_heritage", "Наличие статуса объекта культурного наследия", type=FLAG),
        col("cadastral_number", *CADASTRAL_HEADERS, type=CADASTRAL),
        col("egrp_conditional_number", "Условный номер ЕГРП"),
    ),
)

RESIDENTIAL_PREMISES = SheetSpec(
    kind="gis_residential_premises",
    sheet_names=("Жилые помещения",),
    description="one row per residential premise (flat) of a building",
    columns=(
        col("house_address", "Адрес МКД, в котором расположено жилое помещение", required=True),
        col("premise_number", "Номер помещения", required=True),
        col("entrance_number", "Номер подъезда"),
        col("characteristic", "Характеристика помещения"),
        col("total_area", "Общая площадь жилого помещения по паспорту помещения", type=DECIMAL),
        col("living_area", "Жилая площадь жилого помещения по паспорту помещения", type=DECIMAL),
        col("cadastral_number", *CADASTRAL_HEADERS, type=CADASTRAL),
        col("egrp_conditional_number", "Условный номер ЕГРП"),
        CONFIRMED,
    ),
)

NONRESIDENTIAL_PREMISES = SheetSpec(
    kind="gis_nonresidential_premises",
    sheet_names=("Нежилые помещения",),
    description="one row per non-residential premise of a building",
    columns=(
        col("house_address", "Адрес МКД, в котором расположено нежилое помещение", required=True),
        col("premise_number", "Номер помещения", required=True),
        col(
            "is_common_property",
            "Помещение, составляющее общее имущество в многоквартирном доме",
            type=FLAG,
        ),
        col("total_area", "Общая площадь нежилого помещения по паспорту помещения", type=DECIMAL),
        col("cadastral_number", *CADASTRAL_HEADERS, type=CADASTRAL),
        col("egrp_conditional_number", "Условный номер ЕГРП"),
        CONFIRMED,
    ),
)

ACCOUNTS = SheetSpec(
    kind="gis_accounts",
    sheet_names=("Основные сведения",),
    description="one row per personal account (лицевой счёт); payer names and SNILS are not read",
    columns=(
        col("record_number", "№ записи", type=INTEGER, required=True),
        col("account_number", "Номер ЛС (иной идентификатор потребителя)", "Номер ЛС", required=True),
        col("hcs_id", "Идентификатор ЖКУ"),
        col("account_type", "Тип лицевого счета"),
        col("is_tenant", "Являтся нанимателем?", "Является нанимателем?", type=FLAG),
        col("accounts_split", "Лицевые счета на помещение(я) разделены?", type=FLAG),
        col("payer_ogrn", "ОГРН/ОГРНИП потребителя (для ЮЛ/ИП)"),
        col("payer_kpp", "КПП потребителя (для ОП)"),
        col("total_area", "Общая площадь, кв. м", type=DECIMAL),
        col("living_area", "Жилая площадь, кв. м", type=DECIMAL),
        col("heated_area", "Отапливаемая площадь, кв. м", type=DECIMAL),
        col("residents", "Количество проживающих, чел.", type=INTEGER),
    ),
)

ACCOUNT_PREMISES = SheetSpec(
    kind="gis_account_premises",
    sheet_names=("Помещения",),
    description="one row per (personal account, premise) link",
    columns=(
        col("account_record_number", "№ записи лицевого счета", type=INTEGER, required=True),
        col("premise_address", "Адрес помещения"),
        col("house_fias_guid", *FIAS_HOUSE_HEADERS, type=GUID),
        col("premise_type", "Тип помещения/блок", "Тип помещения"),
        col("premise_number", "Номер помещения/блока", "Номер помещения"),
        col("room_number", "Номер комнаты"),
        col("gis_object_id", "Идентификатор дома, помещения, комнаты, присвоенный ГИС ЖКХ"),
        col("share_percent", "Доля внесения платы, размер доли в %", type=DECIMAL),
    ),
)

METER_NUMBER_HEADERS = (
    "Номер ПУ в ГИС ЖКХ",
    "Номер прибора учета в ГИС ЖКХ",
    "Номер прибора учета в Регсегменте",
)

METERS = SheetSpec(
    kind="gis_meters",
    sheet_names=("Сведения о ПУ",),
    description="one row per metering device (ПУ)",
    columns=(
        col("serial_number", "Заводской (серийный) номер ПУ", required=True),
        col("meter_kind", "Вид ПУ", "Тип ПУ"),
        col("brand", "Марка ПУ"),
        col("model", "Модель ПУ"),
        col("house_address", "Адрес дома"),
        col("house_gis_id", "Уникальный номер дома"),
        col("premise_gis_id", "Уникальный номер помещения"),
        col("room_gis_id", "Уникальный номер комнаты"),
        col("premise_number", "Номер помещения"),
        col("account_id", "Номер лицевого счета/Единый лицевой счет/Идентификатор ЖКУ"),
        col("remote_reading", "Наличие возможности дистанционного снятия показаний", type=FLAG),
        col("resource", "Вид коммунального ресурса", required=True),
        col("tariff_kind", "Вид ПУ по количеству тарифов"),
        col("base_value_t1", "Базовое показание (Т1)", "Последнее полученное показание (Т1)", type=READING),
        col("base_value_t2", "Базовое показание (Т2)", "Последнее полученное показание (Т2)", type=READING),
        col("base_value_t3", "Базовое показание (Т3)", "Последнее полученное показание (Т3)", type=READING),
        col("transformation_ratio", "Коэффициент трансформации", type=DECIMAL),
        col("installed_on", "Дата установки", type=DATE),
        col("commissioned_on", "Дата ввода в эксплуатацию", type=DATE),
        col("last_verified_on", "Дата последней поверки", type=DATE),
        col("factory_sealed_on", "Дата опломбирования ПУ заводом-изготовителем", type=DATE),
        col("verification_interval_years", "Межповерочный интервал", type=YEARS),
        col("temperature_sensors", "Наличие датчиков температуры", type=FLAG),
        col("pressure_sensors", "Наличие датчиков давления", type=FLAG),
        col("meter_gis_number", *METER_NUMBER_HEADERS),
        STATUS,
    ),
)

READINGS = SheetSpec(
    kind="gis_readings",
    sheet_names=("Импорт показаний ИПУ", "Импорт показаний"),
    description="one row per submitted individual meter reading",
    columns=(
        col("house_address", "Адрес дома"),
        col("meter_gis_number", *METER_NUMBER_HEADERS, required=True),
        col("resource", "Коммунальный ресурс"),
        col("period", "Период, за который передаются показания", type=PERIOD),
        col("value_t1", "Значение показания (Т1)", type=READING),
        col("value_t2", "Значение показания (Т2)", type=READING),
        col("value_t3", "Значение показания (Т3)", type=READING),
        col("read_on", "Дата снятия показания", type=DATE),
        col("auto_calculation", "Тех. возможность авто-расчета потребляемого объема", type=FLAG),
    ),
)

CAPITAL_REPAIR = "Взнос на капитальный ремонт"

BILLS = SheetSpec(
    kind="gis_bills",
    sheet_names=("Разделы 1-2",),
    description="one row per payment document (ПД), sections 1–2",
    columns=(
        col("hcs_id", "Идентификатор ЖКУ", required=True),
        col("document_type", "Тип ПД"),
        col("document_number", "Номер платежного документа", required=True),
        col("period", "Расчетный период (ММ.ГГГГ)", "Расчетный период", type=PERIOD),
        col("total_area", "Общая площадь для ЛС", type=DECIMAL),
        col("living_area", "Жилая площадь", type=DECIMAL),
        col("heated_area", "Отапливаемая площадь", type=DECIMAL),
        col("residents", "Количество проживающих", type=INTEGER),
        col(
            "amount_due",
            "Сумма к оплате за расчетный период, руб. (по всему платежному документу)",
            type=DECIMAL,
        ),
        col("previous_debt", "Задолженность за предыдущие периоды", type=DECIMAL),
        col("advance", "Аванс на начало расчетного периода", type=DECIMAL),
        col("paid", "Оплачено денежных средств, руб.", type=DECIMAL),
        col(
            "total_payable",
            "Итого к оплате за расчетный период c учетом задолженности/переплаты, руб. "
            "(по всему платежному документу)",
            type=DECIMAL,
        ),
        col("bank_bik", "БИК банка"),
        col("bank_account", "Расчетный счет"),
        col("capital_repair_rate", "Размер взноса на кв.м, руб.", type=DECIMAL, group=CAPITAL_REPAIR),
        col(
            "capital_repair_charged",
            "Всего начислено за расчетный период, руб.",
            type=DECIMAL,
            group=CAPITAL_REPAIR,
        ),
        col(
            "capital_repair_payable",
            "Итого к оплате за расчетный период, руб.",
            type=DECIMAL,
            group=CAPITAL_REPAIR,
        ),
        col("document_gis_id", "Идентификатор платежного документа"),
        STATUS,
    ),
)

INDIVIDUAL_VOLUME = ("Объем услуг, индивидуальное потребление",)
COMMON_VOLUME = ("Объем услуг, общедомовые нужды",)
UTILITY_CHARGE = ("Размер платы за коммунальные услуги, руб.",)
PAYABLE = ("Итого к оплате за расчетный период, руб.",)

BILL_LINES = SheetSpec(
    kind="gis_bill_lines",
    sheet_names=("Разделы 3-6",),
    description="one row per service line of a payment document, sections 3–6",
    columns=(
        col("document_number", "Номер платежного документа", required=True),
        col("service", "Услуга", required=True),
        col("unit", "Единица измерения"),
        col("volume_method_individual", "Способ определения объемов КУ", group=INDIVIDUAL_VOLUME),
        col("volume_individual", "Объем, площадь, количество", type=DECIMAL, group=INDIVIDUAL_VOLUME),
        col("volume_method_common", "Способ определения объемов КУ", group=COMMON_VOLUME),
        col("volume_common", "Объем, площадь, количество", type=DECIMAL, group=COMMON_VOLUME),
        col("tariff", "Тариф руб./единица измерения", "Тариф", type=DECIMAL),
        col("charge_individual", "индивидуальное потребление", type=DECIMAL, group=UTILITY_CHARGE),
        col(
            "charge_common",
            "потребление при содержании общего имущества",
            type=DECIMAL,
            group=UTILITY_CHARGE,
        ),
        col("charged_total", "Всего начислено за расчетный период, руб.", type=DECIMAL),
        col("recalculation", "Перерасчеты всего, руб.", type=DECIMAL),
        col("benefits", "Льготы, субсидии, руб.", type=DECIMAL),
        col("consumption_norm", "Норматив потребления коммунальных ресурсов в жилых помещениях"),
        col("payable_total", "Всего", type=DECIMAL, group=PAYABLE),
        col(
            "payable_individual",
            "в т. ч. за ком. усл. - индивид. потребление",
            type=DECIMAL,
            group=PAYABLE,
        ),
        col(
            "payable_common",
            "в т. ч. за ком. усл. - потребление при содержании общего имущества",
            type=DECIMAL,
            group=PAYABLE,
        ),
        STATUS,
    ),
)

CAPITAL_REPAIR_WORKS = SheetSpec(
    kind="gis_capital_repair_works",
    sheet_names=("Работы РПКР",),
    description="one row per planned work of the regional capital-repair programme (RegionalProgramWorkType)",
    columns=(
        col("line_number", "№ п/п", type=INTEGER),
        col("house_address", "Адрес МКД", "Адрес дома"),
        col("house_fias_guid", *FIAS_HOUSE_HEADERS, type=GUID),
        col("oktmo", "ОКТМО"),
        col("work_type", "Вид работ (услуг) по капитальному ремонту", "Вид работ", required=True),
        col("planned_start", "Плановый срок начала работ (ММ.ГГГГ)", "Плановый срок начала работ", type=PERIOD),
        col("planned_end", "Плановый срок окончания работ (ММ.ГГГГ)", "Плановый срок окончания работ", type=PERIOD),
        col("fund_holder", "Способ формирования фонда капитального ремонта"),
        col("special_account_owner", "Владелец специального счета"),
        col("planned_cost", "Плановая стоимость работ, руб.", type=DECIMAL),
        col("note", "Примечание"),
    ),
)

OPENING = ("Остатки на начало периода",)
CHARGED = ("Начислено за услуги (работы) по содержанию и текущему ремонту",)
RECEIVED = ("Получено денежных средств",)
CLOSING = ("Остатки на конец периода",)

MANAGEMENT_REPORTS = SheetSpec(
    kind="gis_management_reports",
    sheet_names=("Отчет 2.8",),
    description="one row per house and year: the management organisation's annual report (form 2.8)",
    columns=(
        col("house_address", "Адрес МКД", required=True),
        col("house_fias_guid", *FIAS_HOUSE_HEADERS, type=GUID),
        col("report_year", "Отчетный год", type=INTEGER, required=True),
        col("period_start", "Дата начала отчетного периода", type=DATE),
        col("period_end", "Дата конца отчетного периода", type=DATE),
        col("published_on", "Дата размещения отчета", type=DATE),
        col("opening_advance_payments", "Авансовые платежи потребителей, руб.", type=DECIMAL, group=OPENING),
        col("opening_balance", "Переходящие остатки денежных средств, руб.", type=DECIMAL, group=OPENING),
        col("opening_arrears", "Задолженность потребителей, руб.", type=DECIMAL, group=OPENING),
        col("charged_total", "Всего, руб.", type=DECIMAL, group=CHARGED),
        col("charged_maintenance", "за содержание дома, руб.", type=DECIMAL, group=CHARGED),
        col("charged_current_repair", "за текущий ремонт, руб.", type=DECIMAL, group=CHARGED),
        col("charged_management", "за услуги управления, руб.", type=DECIMAL, group=CHARGED),
        col("received_total", "Всего, руб.", type=DECIMAL, group=RECEIVED),
        col("received_from_owners", "от собственников/нанимателей помещений, руб.", type=DECIMAL, group=RECEIVED),
        col("received_target_payments", "целевых взносов от собственников/нанимателей, руб.", type=DECIMAL, group=RECEIVED),
        col("received_subsidies", "субсидий, руб.", type=DECIMAL, group=RECEIVED),
        col("received_from_common_property", "от использования общего имущества, руб.", type=DECIMAL, group=RECEIVED),
        col("received_other", "прочие поступления, руб.", type=DECIMAL, group=RECEIVED),
        col("cash_total", "Всего денежных средств с учетом остатков, руб.", type=DECIMAL),
        col("closing_advance_payments", "Авансовые платежи потребителей, руб.", type=DECIMAL, group=CLOSING),
        col("closing_balance", "Переходящие остатки денежных средств, руб.", type=DECIMAL, group=CLOSING),
        col("closing_arrears", "Задолженность потребителей, руб.", type=DECIMAL, group=CLOSING),
    ),
)

GIS_SHEETS: tuple[SheetSpec, ...] = (
    HOUSES,
    RESIDENTIAL_PREMISES,
    NONRESIDENTIAL_PREMISES,
    ACCOUNTS,
    ACCOUNT_PREMISES,
    METERS,
    READINGS,
    BILLS,
    BILL_LINES,
    CAPITAL_REPAIR_WORKS,
    MANAGEMENT_REPORTS,
)



# Headers of personal data that must never be read (used by tests and the PD guard).
PERSONAL_DATA_HEADERS = (
    "Фамилия",
    "Имя потребителя",
    "Отчество (при наличии)",
    "СНИЛС потребителя",
    "Вид документа, удостоверяющего личность",
    "Номер документа, удостоверяющего личность",
    "Серия документа, удостоверяющего личность",
    "Дата документа, удостоверяющего личность",
)


# --- Rosreestr (EGRN) extracts --------------------------------------------------------------
# Read from XML by transforms/parse/egrn.py; the same typing rules apply in staging.

def field_(name: str, type: str = TEXT, required: bool = False) -> Column:
    return Column(name, (), type, required)


EGRN_ADDRESS = tuple(
    field_(name, GUID if name == "house_fias_guid" else TEXT)
    for name in (
        "house_fias_guid", "oktmo", "okato", "kladr", "postal_code", "region_code", "district",
        "city_type", "city_name", "urban_district", "locality_type", "locality_name", "street_type",
        "street_name", "house_type", "house_number", "korpus", "stroenie", "apartment_type",
        "apartment_number", "readable_address", "address_note",
    )
)
EGRN_HEADER = (
    field_("extract_format"),
    field_("extract_root"),
    field_("extract_date", DATE),
    field_("cadastral_number", CADASTRAL, required=True),
    field_("quarter_cadastral_number"),
    field_("object_type_code"),
    field_("purpose_code"),
    field_("purpose"),
    field_("name"),
    field_("area", DECIMAL),
)
EGRN_RECORD = (
    field_("registration_date", DATE),
    field_("cancel_date", DATE),
    field_("status"),
    field_("cadastral_cost", DECIMAL),
)

EGRN_ROOMS = SheetSpec(
    kind="egrn_rooms",
    sheet_names=(),
    description="one row per EGRN premise, room or parking place extract",
    columns=EGRN_HEADER
    + (
        field_("building_cadastral_number", CADASTRAL),
        field_("parent_room_cadastral_number", CADASTRAL),
        field_("room_type_code"),
        field_("room_type"),
        field_("floor"),
        field_("floor_type"),
        field_("plan_number"),
        field_("common_property", FLAG),
        field_("special_type"),
        field_("old_numbers"),
    )
    + EGRN_ADDRESS
    + EGRN_RECORD,
)

EGRN_BUILDINGS = SheetSpec(
    kind="egrn_buildings",
    sheet_names=(),
    description="one row per EGRN building extract",
    columns=EGRN_HEADER
    + (
        field_("floors", INTEGER),
        field_("underground_floors", INTEGER),
        field_("year_built", INTEGER),
        field_("year_commissioning", INTEGER),
        field_("land_cadastral_numbers"),
    )
    + EGRN_ADDRESS
    + EGRN_RECORD,
)

EGRN_BUILDING_ROOMS = SheetSpec(
    kind="egrn_building_rooms",
    sheet_names=(),
    description="one row per premise listed in a building extract",
    columns=(
        field_("building_cadastral_number", CADASTRAL, required=True),
        field_("room_cadastral_number", CADASTRAL, required=True),
        field_("area", DECIMAL),
        field_("floor"),
        field_("plan_number"),
    ),
)

EGRN_TABLES: tuple[SheetSpec, ...] = (EGRN_ROOMS, EGRN_BUILDINGS, EGRN_BUILDING_ROOMS)
ALL_TABLES: tuple[SheetSpec, ...] = GIS_SHEETS + EGRN_TABLES
SPECS_BY_KIND = {spec.kind: spec for spec in ALL_TABLES}
