-- marts.owner_premise_cards: one row per GIS ZhKKh premise (the rows of marts.premises) — what its owner sees
-- about it: the cadastral number and whether the flat shows in «Госуслуги.Дом», the house and its management
-- organisation, the personal accounts, the meters with their next verification and reading history, and the
-- payment documents with their lines. Nested LISTs of STRUCTs keep a card one row: an app reads one premise
-- with one query. No personal data: accounts carry identifiers only (no payer names, SNILS, OGRN/KPP).
-- Links: premise → house as reconciliation placed it (marts.premises.house_id = reconciled.gis_premises); premise →
-- its accounts by marts.premise_accounts (the link marts.quality_kpis counts too); meters and payment documents →
-- their account (Идентификатор ЖКУ, or the account number a meter names instead). An account of several premises
-- shows on each of their cards. Rows are joined on premise_id, never on (file, sheet, row): a CSV row has no sheet.
CREATE OR REPLACE TABLE marts.owner_premise_cards AS
WITH
premises AS (
    SELECT * FROM marts.premises
),

houses AS (
    SELECT house_id, management_organisation_inn, management_organisation, management_organisation_name,
           municipality_oktmo
    FROM marts.house_management
),

meters AS (
    SELECT * FROM marts.meters
),

readings AS (
    SELECT * FROM marts.readings
),

bills AS (
    SELECT * FROM marts.bills
),

bill_lines AS (
    SELECT * FROM marts.bill_lines
),

-- Each premise with its house.
premise_houses AS (
    SELECT p.* EXCLUDE (management_organisation, management_organisation_name), h.management_organisation_inn,
           h.management_organisation, h.management_organisation_name, h.municipality_oktmo
    FROM premises AS p
    LEFT JOIN houses AS h USING (house_id)
),

premise_accounts AS (
    SELECT premise_id, hcs_id, account_number, account_type, share_percent FROM marts.premise_accounts
),

reading_history AS (
    SELECT meter_gis_number,
           list({'period': period, 'read_on': read_on, 'value_t1': value_t1, 'value_t2': value_t2,
                 'value_t3': value_t3, 'consumption_t1': consumption_t1, 'consumption_t2': consumption_t2,
                 'consumption_t3': consumption_t3, 'consumption_total': consumption_total, 'flags': flags}
                ORDER BY period) AS readings
    FROM readings
    GROUP BY meter_gis_number
),

-- A meter names its account by Идентификатор ЖКУ or by the account number.
account_meters AS (
    SELECT a.premise_id, m.meter_gis_number
    FROM premise_accounts AS a JOIN meters AS m ON m.hcs_id = a.hcs_id
    UNION
    SELECT a.premise_id, m.meter_gis_number
    FROM premise_accounts AS a JOIN meters AS m ON m.hcs_id = a.account_number
),

premise_meters AS (
    SELECT
        am.premise_id,
        list({'meter_gis_number': m.meter_gis_number, 'resource': m.resource, 'serial_number': m.serial_number,
              'brand': m.brand, 'model': m.model, 'tariff_kind': m.tariff_kind,
              'last_verified_on': m.last_verified_on, 'next_verification_on': m.next_verification_on,
              'verification_status': m.verification_status,
              'readings': coalesce(h.readings, [])}
             ORDER BY m.resource, m.meter_gis_number) AS meters,
        min(m.next_verification_on) AS next_verification_on,
        count(*) FILTER (m.verification_status = 'overdue') AS meters_overdue
    FROM account_meters AS am
    JOIN meters AS m USING (meter_gis_number)
    LEFT JOIN reading_history AS h USING (meter_gis_number)
    GROUP BY am.premise_id
),

document_lines AS (
    SELECT hcs_id, period, document_number,
           list({'service': service, 'unit': unit, 'volume_individual': volume_individual,
                 'volume_common': volume_common, 'tariff': tariff, 'charged_total': charged_total,
                 'recalculation': recalculation, 'benefits': benefits, 'payable_total': payable_total,
                 'flags': flags}
                ORDER BY source_file, source_sheet, source_row) AS lines
    FROM bill_lines
    GROUP BY ALL
),

premise_bills AS (
    SELECT
        a.premise_id,
        list({'period': b.period, 'hcs_id': b.hcs_id, 'document_number': b.document_number,
              'document_type': b.document_type, 'amount_due': b.amount_due, 'previous_debt': b.previous_debt,
              'advance': b.advance, 'paid': b.paid, 'total_payable': b.total_payable,
              'capital_repair_charged': b.capital_repair_charged, 'flags': b.flags,
              'lines': coalesce(l.lines, [])}
             ORDER BY b.period, b.hcs_id) AS bills,
        max(b.period) AS last_bill_period
    FROM premise_accounts AS a
    JOIN bills AS b ON b.hcs_id = a.hcs_id
    LEFT JOIN document_lines AS l
        ON l.hcs_id = b.hcs_id AND l.period = b.period AND l.document_number = b.document_number
    GROUP BY a.premise_id
),

premise_account_lists AS (
    SELECT premise_id,
           list({'hcs_id': hcs_id, 'account_number': account_number, 'account_type': account_type,
                 'share_percent': share_percent} ORDER BY hcs_id, account_number) AS accounts
    FROM premise_accounts
    GROUP BY ALL
),

final AS (
    SELECT
        p.source_file,
        p.source_sheet,
        p.source_row,
        p.house_id,
        p.management_organisation_inn,
        p.management_organisation,
        p.management_organisation_name,
        p.municipality_oktmo,
        p.house_address,
        p.house_fias_guid,
        p.premise_number,
        p.premise_kind,
        p.total_area,
        p.cadastral_number,
        p.registry_cadastral_number,
        p.match_status AS cadastral_status,
        CASE p.match_status
            WHEN 'confirmed' THEN 'кадастровый номер подтверждён Росреестром'
            WHEN 'auto' THEN 'кадастровый номер найден в ЕГРН, готов к записи в ГИС ЖКХ'
            WHEN 'review' THEN 'кадастровый номер проверяет специалист'
            WHEN 'conflict' THEN 'кадастровый номер в ГИС ЖКХ расходится с ЕГРН'
            WHEN 'unmatched' THEN 'помещение не найдено в ЕГРН'
            ELSE 'сверка с ЕГРН не проводилась'
        END AS cadastral_status_text,
        coalesce(p.match_status IN ('confirmed', 'auto') AND p.cadastral_number IS NOT NULL, FALSE)
            AS visible_in_app,
        coalesce(a.accounts, []) AS accounts,
        coalesce(m.meters, []) AS meters,
        m.next_verification_on,
        coalesce(m.meters_overdue, 0) AS meters_overdue,
        coalesce(b.bills, []) AS bills,
        b.last_bill_period
    FROM premise_houses AS p
    LEFT JOIN premise_account_lists AS a USING (premise_id)
    LEFT JOIN premise_meters AS m USING (premise_id)
    LEFT JOIN premise_bills AS b USING (premise_id)
)

SELECT * FROM final
ORDER BY source_file, source_sheet, source_row;

COMMENT ON TABLE marts.owner_premise_cards IS 'Карточка помещения для собственника: одна строка на помещение ГИС ЖКХ (как в marts.premises) с кадастровым номером и его статусом, домом и управляющей организацией, лицевыми счетами, приборами учёта с датой следующей поверки и историей показаний, платёжными документами с их строками (вложенные списки). Без персональных данных.';
COMMENT ON COLUMN marts.owner_premise_cards.source_file IS 'Файл строки помещения в выгрузке ГИС ЖКХ (ключ вместе с source_sheet и source_row, как в marts.premises)';
COMMENT ON COLUMN marts.owner_premise_cards.source_sheet IS 'Лист строки помещения (NULL для CSV)';
COMMENT ON COLUMN marts.owner_premise_cards.source_row IS 'Номер строки помещения в файле';
COMMENT ON COLUMN marts.owner_premise_cards.house_id IS 'Дом (marts.house_management, marts.house_cards)';
COMMENT ON COLUMN marts.owner_premise_cards.management_organisation_inn IS 'ИНН управляющей организации дома (из пути файла выгрузки)';
COMMENT ON COLUMN marts.owner_premise_cards.management_organisation IS 'Управляющая организация: ИНН, а без него — имя файла выгрузки';
COMMENT ON COLUMN marts.owner_premise_cards.management_organisation_name IS 'Name of the management organisation (marts.management_organisations); NULL when no source names it';
COMMENT ON COLUMN marts.owner_premise_cards.municipality_oktmo IS 'ОКТМО муниципального образования дома (8 цифр)';
COMMENT ON COLUMN marts.owner_premise_cards.house_address IS 'Адрес дома, как в выгрузке ГИС ЖКХ';
COMMENT ON COLUMN marts.owner_premise_cards.house_fias_guid IS 'ФИАС дома';
COMMENT ON COLUMN marts.owner_premise_cards.premise_number IS 'Номер помещения (верхний регистр, без пробелов и дефисов)';
COMMENT ON COLUMN marts.owner_premise_cards.premise_kind IS 'residential — жилое, non_residential — нежилое';
COMMENT ON COLUMN marts.owner_premise_cards.total_area IS 'Общая площадь помещения по паспорту, кв. м';
COMMENT ON COLUMN marts.owner_premise_cards.cadastral_number IS 'Кадастровый номер, за который ручается Сверка (marts.premises.cadastral_number)';
COMMENT ON COLUMN marts.owner_premise_cards.registry_cadastral_number IS 'Кадастровый номер, который был в ГИС ЖКХ до сверки';
COMMENT ON COLUMN marts.owner_premise_cards.cadastral_status IS 'Статус сверки: confirmed, auto, review, conflict, unmatched; NULL — сверка не проводилась';
COMMENT ON COLUMN marts.owner_premise_cards.cadastral_status_text IS 'Статус сверки словами, для собственника';
COMMENT ON COLUMN marts.owner_premise_cards.visible_in_app IS 'Помещение видно собственнику в «Госуслуги.Дом» (кадастровый номер подтверждён или найден и готов к записи в ГИС ЖКХ)';
COMMENT ON COLUMN marts.owner_premise_cards.accounts IS 'Лицевые счета помещения: LIST(STRUCT(hcs_id — идентификатор ЖКУ, account_number — номер ЛС, account_type — тип ЛС, share_percent — доля внесения платы, %))';
COMMENT ON COLUMN marts.owner_premise_cards.meters IS 'Приборы учёта лицевых счетов помещения: LIST(STRUCT(meter_gis_number, resource, serial_number, brand, model, tariff_kind, last_verified_on, next_verification_on — дата следующей поверки, verification_status — ok/due_soon/overdue, readings — LIST(STRUCT(period, read_on, value_t1..value_t3, consumption_t1..consumption_t3 — расход с предыдущего принятого показания, consumption_total, flags — коды замечаний)))) из marts.meters и marts.readings';
COMMENT ON COLUMN marts.owner_premise_cards.next_verification_on IS 'Ближайшая дата следующей поверки среди приборов учёта помещения';
COMMENT ON COLUMN marts.owner_premise_cards.meters_overdue IS 'Приборов учёта с истёкшим сроком поверки на дату сверки';
COMMENT ON COLUMN marts.owner_premise_cards.bills IS 'Платёжные документы лицевых счетов помещения: LIST(STRUCT(period, hcs_id, document_number, document_type, amount_due — к оплате за период, previous_debt, advance, paid, total_payable, capital_repair_charged — начислено взносов на капремонт, flags, lines — LIST(STRUCT(service, unit, volume_individual, volume_common, tariff, charged_total, recalculation, benefits, payable_total, flags)))) из marts.bills и marts.bill_lines';
COMMENT ON COLUMN marts.owner_premise_cards.last_bill_period IS 'Последний расчётный период с платёжным документом';
