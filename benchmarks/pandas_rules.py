"""The reading and bill rules of checks/ written in pandas, for the benchmark's side-by-side comparison.

Same semantics as checks/sql (meter register, reading history with running maxima per tariff zone, counted
and superseded submissions, spike against the median month; bill lines linked to documents, sums, charges,
duplicates, periods), vectorised the way a careful pandas user would write them, messages included.
Not used by the pipeline.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

LINEAGE = ["source_file", "source_sheet", "source_row"]
ZONES = ("t1", "t2", "t3")


def run_rules_pandas(frames: dict[str, pd.DataFrame], as_of: dt.date) -> dict[str, int]:
    flags: list[pd.DataFrame] = []
    reading_rules(frames["gis_meters"], frames["gis_readings"], pd.Timestamp(as_of), flags)
    bill_rules(frames, pd.Timestamp(as_of), flags)
    counts: dict[str, int] = {}
    for f in flags:
        if len(f):
            counts[f["rule"].iloc[0]] = counts.get(f["rule"].iloc[0], 0) + len(f)
    return counts


def ru_number(s: pd.Series) -> pd.Series:
    return s.map("{:.7f}".format).str.rstrip("0").str.rstrip(".").str.replace(".", ",", regex=False)


def ru_money(s: pd.Series) -> pd.Series:
    return s.round(2).map("{:.2f}".format).str.replace(".", ",", regex=False)


def ru_date(s: pd.Series) -> pd.Series:
    return s.dt.strftime("%d.%m.%Y").fillna("—")


def ru_period(s: pd.Series) -> pd.Series:
    return s.dt.strftime("%m.%Y").fillna("—")


def flag(frame: pd.DataFrame, rule: str, severity: str, message: pd.Series) -> pd.DataFrame:
    out = frame[LINEAGE].reset_index(drop=True)
    out["rule"], out["severity"], out["message"] = rule, severity, pd.Series(message).to_numpy()
    return out


def add_years(dates: pd.Series, years: pd.Series) -> pd.Series:
    """Calendar years; 29 February becomes 28 February in a common year."""
    year = dates.dt.year + years
    month, day = dates.dt.month, dates.dt.day
    leap = (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))
    day = day.where(~((month == 2) & (day == 29) & ~leap), 28)
    return pd.to_datetime(pd.DataFrame({"year": year, "month": month, "day": day}), errors="coerce")


def meter_register(meters: pd.DataFrame) -> pd.DataFrame:
    m = meters[meters["meter_gis_number"].notna()].copy()
    m["verified_on"] = (m["last_verified_on"].fillna(m["factory_sealed_on"]).fillna(m["commissioned_on"])
                        .fillna(m["installed_on"]))
    m = m.sort_values(["meter_gis_number", "verified_on", "source_file", "source_row"],
                      ascending=[True, False, False, False], na_position="last")
    m = m.drop_duplicates("meter_gis_number").reset_index(drop=True)
    m["due_on"] = add_years(m["verified_on"], m["verification_interval_years"])
    return m


def group_previous(values: pd.Series, meter: np.ndarray) -> pd.Series:
    """Per meter, the largest value before each row (rows sorted by meter and period)."""
    running = values.groupby(meter).cummax().groupby(meter).ffill()
    return running.groupby(meter).shift()


def reading_rules(meters: pd.DataFrame, readings: pd.DataFrame, as_of: pd.Timestamp, flags: list) -> None:
    register = meter_register(meters)
    mid = pd.Index(register["meter_gis_number"]).get_indexer(readings["meter_gis_number"])
    known = mid >= 0
    read_on = readings["read_on"]
    period = readings["period"].fillna(read_on.dt.to_period("M").dt.to_timestamp())
    values = [readings[f"value_{z}"].to_numpy(dtype=float, na_value=np.nan) for z in ZONES]
    bad_zone = [(readings[f"value_{z}_raw"].notna() & readings[f"value_{z}"].isna()).to_numpy() for z in ZONES]
    bad = bad_zone[0] | bad_zone[1] | bad_zone[2]
    empty = (readings["value_t1_raw"].isna() & readings["value_t2_raw"].isna()
             & readings["value_t3_raw"].isna()).to_numpy()
    future = ((read_on > as_of) | (readings["period"] > as_of)).fillna(False).to_numpy(dtype=bool)
    usable = known & ~bad & ~empty & ~future & period.notna().to_numpy()
    period_i = period.to_numpy(dtype="datetime64[ns]").astype("int64")
    read_on_i = np.where(read_on.isna(), np.iinfo(np.int64).min, read_on.to_numpy(dtype="datetime64[ns]").astype("int64"))

    # usable submissions in order (meter, period, reading date, place in the sources)
    u = np.flatnonzero(usable)
    u = u[np.lexsort((u, read_on_i[u], period_i[u], mid[u]))]
    same_next = np.append((mid[u][1:] == mid[u][:-1]) & (period_i[u][1:] == period_i[u][:-1]), False)
    superseded_pos = u[same_next]
    later_read_on = read_on.to_numpy()[u[np.flatnonzero(same_next) + 1]]
    c = u[~same_next]                                    # counted, sorted by meter and period
    cm = mid[c]
    previous, below_any, accepted_any, below_parts, consumption = [], np.zeros(len(c), bool), np.zeros(len(c), bool), [], []
    for z, zone in enumerate(ZONES):
        v = pd.Series(values[z][c])
        prev = np.fmax(group_previous(v, cm).to_numpy(), register[f"base_value_{zone}"].to_numpy()[cm])
        below = v.to_numpy() < prev
        below_any |= below
        accepted_any |= (v.to_numpy() >= prev) | (~np.isnan(v.to_numpy()) & np.isnan(prev))
        consumption.append(np.where(v.to_numpy() >= prev, v.to_numpy() - prev, np.nan))
        previous.append(prev)
        below_parts.append((below, v.to_numpy(), prev, f"Т{z + 1}: "))
    periods = pd.Series(period_i[c])
    prior = periods.where(accepted_any).groupby(cm).shift().groupby(cm).ffill()
    previous_period = prior.to_numpy()
    accepted = ~below_any
    total = np.where(accepted, np.nansum(np.vstack(consumption), axis=0), np.nan)
    total[np.all(np.isnan(np.vstack(consumption)), axis=0)] = np.nan
    months = ((pd.to_datetime(periods).dt.year - pd.to_datetime(pd.Series(previous_period)).dt.year) * 12
              + pd.to_datetime(periods).dt.month - pd.to_datetime(pd.Series(previous_period)).dt.month).to_numpy()
    rate = pd.Series(total / np.where(months == 0, np.nan, months))
    median = rate.groupby(cm).transform("median").to_numpy()
    history = rate.groupby(cm).transform("count").to_numpy()
    period_consumption = total - (months - 1) * median

    lineage = readings[LINEAGE]
    below_rows = np.flatnonzero(below_any)
    text = pd.Series("", index=below_rows)
    for below, v, prev, label in below_parts:
        hit = below[below_rows]
        part = label + ru_number(pd.Series(v[below_rows])) + " < " + ru_number(pd.Series(prev[below_rows]))
        text = text.where(~hit, text + np.where(text == "", "", "; ") + part.to_numpy())
    was = pd.to_datetime(pd.Series(previous_period[below_rows]))
    compared = np.where(was.isna(), "базового показания ПУ", "последнего принятого показания (за " + ru_period(was) + ")")
    flags.append(flag(lineage.iloc[c[below_rows]], "below_previous", "error",
                      "Показание ниже " + pd.Series(compared) + ": " + pd.Series(text.to_numpy())
                      + ". Показания ПУ не могут уменьшаться."))
    spike = np.flatnonzero(accepted & ~np.isnan(previous_period) & (history >= 3) & (median > 0)
                           & (period_consumption >= 10 * median))
    flags.append(flag(lineage.iloc[c[spike]], "spike", "warning", "Расход за период "
                      + ru_period(pd.to_datetime(periods.iloc[spike]).reset_index(drop=True)) + " — "
                      + ru_number(pd.Series(period_consumption[spike])) + ", в "
                      + pd.Series(period_consumption[spike] / median[spike]).map("{:.1f}".format)
                      + " раза больше обычного месячного расхода этого ПУ (" + ru_number(pd.Series(median[spike])) + ")."))
    due = register["due_on"].to_numpy()[np.where(known, mid, 0)]
    overdue = np.flatnonzero(known & (read_on.to_numpy() > due))
    flags.append(flag(lineage.iloc[overdue], "verification_overdue", "warning", "Показание снято "
                      + ru_date(read_on.iloc[overdue].reset_index(drop=True)) + ", после срока поверки ПУ "
                      + ru_date(pd.Series(due[overdue])) + "."))
    soon_meter = known & (due > as_of.to_datetime64()) & (due <= (as_of + pd.Timedelta(days=30)).to_datetime64())
    candidates = np.flatnonzero(soon_meter & ~future)
    candidates = candidates[np.lexsort((candidates, read_on_i[candidates], period_i[candidates], mid[candidates]))]
    last = candidates[np.append(mid[candidates][1:] != mid[candidates][:-1], True)]
    flags.append(flag(lineage.iloc[last], "verification_due_soon", "info", "Срок поверки ПУ наступает "
                      + ru_date(pd.Series(due[last])) + " (через "
                      + pd.Series((due[last] - as_of.to_datetime64()).astype("timedelta64[D]").astype(int)).astype(str)
                      + " дн.)."))
    bad_rows = np.flatnonzero(bad | empty)
    raw = readings["value_t1_raw"].iloc[bad_rows].fillna("пусто").reset_index(drop=True)
    flags.append(flag(lineage.iloc[bad_rows], "bad_value", "error", "Показание не соответствует формату ГИС ЖКХ: Т1 «"
                      + raw + "»."))
    future_rows = np.flatnonzero(future)
    flags.append(flag(lineage.iloc[future_rows], "future_date", "error", "Показание датировано "
                      + ru_date(read_on.iloc[future_rows].reset_index(drop=True)) + " — позже даты сверки "
                      + as_of.strftime("%d.%m.%Y") + "."))
    unknown = np.flatnonzero(~known)
    flags.append(flag(lineage.iloc[unknown], "unknown_meter", "error", "Прибора учёта с номером "
                      + readings["meter_gis_number"].iloc[unknown].reset_index(drop=True).astype(str)
                      + " нет в сведениях о ПУ."))
    # an unusable submission is replaced when the counted one of its period came after it
    nu = np.flatnonzero(known & ~usable & period.notna().to_numpy())
    counted_key = pd.DataFrame({"m": cm, "p": period_i[c], "r": read_on_i[c], "pos": c})
    late = pd.DataFrame({"m": mid[nu], "p": period_i[nu], "r": read_on_i[nu], "pos": nu}).merge(
        counted_key, on=["m", "p"], suffixes=("", "_c"))
    late = late[(late["r"] < late["r_c"]) | ((late["r"] == late["r_c"]) & (late["pos"] < late["pos_c"]))]
    sup = np.concatenate([superseded_pos, late["pos"].to_numpy()])
    later = np.concatenate([later_read_on, read_on.to_numpy()[late["pos_c"].to_numpy()]])
    flags.append(flag(lineage.iloc[sup], "superseded", "info", "Показание от "
                      + ru_date(read_on.iloc[sup].reset_index(drop=True)) + " заменено более поздней передачей от "
                      + ru_date(pd.Series(later)) + "."))


def bill_rules(frames: dict[str, pd.DataFrame], as_of: pd.Timestamp, flags: list) -> None:
    docs, lines = frames["gis_bills"].copy(), frames["gis_bill_lines"].copy()
    docs["doc_id"] = np.arange(len(docs))
    first_in_file = docs.sort_values("source_row").drop_duplicates(["source_file", "document_number"])
    lines = lines.merge(first_in_file[["source_file", "document_number", "doc_id"]],
                        on=["source_file", "document_number"], how="left")
    unique_numbers = docs[~docs["document_number"].duplicated(keep=False)][["document_number", "doc_id"]]
    fallback = lines[["document_number"]].merge(unique_numbers, on="document_number", how="left")["doc_id"]
    lines["doc_id"] = lines["doc_id"].fillna(pd.Series(fallback.to_numpy(), index=lines.index))

    split = lines["charge_individual"].notna() | lines["charge_common"].notna()
    lines["charge"] = (lines["charge_individual"].fillna(0) + lines["charge_common"].fillna(0)).where(
        split, lines["charged_total"])
    has_volume = lines["volume_individual"].notna() | lines["volume_common"].notna()
    lines["volume"] = (lines["volume_individual"].fillna(0) + lines["volume_common"].fillna(0)).where(has_volume)
    lines["expected"] = lines["volume"] * lines["tariff"]
    lines["difference"] = lines["charge"] - lines["expected"]
    lines["payable"] = lines["payable_total"].fillna(lines["charged_total"] + lines["recalculation"].fillna(0))
    recalc_line = lines["service"].str.lower().str.contains("перерасч", na=False)
    charges = lines[["charge_individual", "charge_common", "charged_total"]].min(axis=1)
    negative = ((charges < 0) | ((lines["payable_total"] < 0) & (lines["recalculation"].fillna(0) >= 0))) & ~recalc_line

    mismatch = lines[lines["difference"].abs().round(6) > 0.01]
    flags.append(flag(mismatch, "charge_mismatch", "error", "Начислено по услуге «" + mismatch["service"] + "» "
                      + ru_money(mismatch["charge"]) + " руб., а объём " + ru_number(mismatch["volume"])
                      + " × тариф " + ru_number(mismatch["tariff"]) + " = " + ru_money(mismatch["expected"]) + " руб."))
    neg = lines[negative]
    flags.append(flag(neg, "negative_amount", "warning", "Отрицательная сумма по услуге «" + neg["service"] + "»: "
                      + ru_money(lines.loc[negative, ["charge_individual", "charge_common", "charged_total",
                                                      "payable_total"]].min(axis=1)) + " руб."))
    orphans = lines[lines["doc_id"].isna()]
    flags.append(flag(orphans, "unknown_document", "error", "Строка ссылается на платёжный документ "
                      + orphans["document_number"] + ", которого нет в разделах 1–2."))

    totals = lines.groupby("doc_id").agg(lines_count=("payable", "size"), lines_total=("payable", "sum"))
    docs = docs.merge(totals, left_on="doc_id", right_index=True, how="left")
    docs["lines_count"] = docs["lines_count"].fillna(0)
    docs["lines_total"] = docs["lines_total"].fillna(0) + docs["capital_repair_payable"].fillna(0)
    docs["difference"] = docs["amount_due"] - docs["lines_total"]
    sums = docs[docs["amount_due"].notna() & (docs["difference"].abs().round(6) > 0.01)]
    flags.append(flag(sums, "lines_sum_mismatch", "error", "Сумма к оплате " + ru_money(sums["amount_due"])
                      + " руб. не равна сумме строк документа " + ru_money(sums["lines_total"]) + " руб."))
    accounts = set(frames["gis_accounts"]["hcs_id"].dropna())
    unknown = docs[~docs["hcs_id"].isin(accounts)]
    flags.append(flag(unknown, "unknown_account", "error", "Идентификатора ЖКУ " + unknown["hcs_id"]
                      + " нет в сведениях о лицевых счетах."))
    issues = frames["value_issues"]
    issues = issues[(issues["kind"] == "gis_bills") & (issues["column"] == "Расчетный период (ММ.ГГГГ)")]
    docs = docs.merge(issues[LINEAGE + ["raw_value"]].drop_duplicates(LINEAGE), on=LINEAGE, how="left")
    bad = docs[docs["period"].isna() | (docs["period"] > as_of.to_period("M").to_timestamp())]
    problem = np.where(bad["raw_value"].notna(), "«" + bad["raw_value"].fillna("") + "» не читается как ММ.ГГГГ",
                       np.where(bad["period"].isna(), "не заполнен", "ещё не наступил"))
    flags.append(flag(bad, "bad_period", "error", "Расчётный период " + pd.Series(problem, index=bad.index) + "."))
    dated = docs[docs["period"].notna()].sort_values(["hcs_id", "period"] + LINEAGE, na_position="first")
    copy_no = dated.groupby(["hcs_id", "period"]).cumcount()
    first = dated.groupby(["hcs_id", "period"])["document_number"].transform("first")
    dup = dated[copy_no > 0]
    flags.append(flag(dup, "duplicate_document", "error", "Повторный платёжный документ по идентификатору ЖКУ "
                      + dup["hcs_id"] + " за период " + ru_period(dup["period"]) + ": уже есть документ "
                      + first[copy_no > 0] + "."))
