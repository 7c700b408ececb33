"""Rosreestr extracts: one object per XML file, packed the way they arrive.

Batches of whole houses in `rosreestr/vypiski_egrn_<YYYY-MM>_NN.zip` (folders `partiya_N/`, `partiya_N/dom_K/`,
`Выписки ЕГРН/<quarter>/`; names `66_41_…xml`, `Выписка_66-41-…xml`, `report-66_41_…xml`), the last batch of a
big region zipped inside `zapros_<YYYY-MM>.zip`, a few loose files, «.sig» signatures, re-delivered duplicates
under `povtor/`; old KPOKS/KVOKS extracts in `rosreestr/archive_2017/` (zips of KPOKS, the first holding
`kvoks_2017.zip`, plus loose files). Each top-level container is one job, so big regions write in parallel.
"""
from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pandas as pd

from . import addresses, people
from .archive import ContainerWriter
from .cadastral import dashed, underscored
from .egrn_xml import ROOT_NAMES, Item, house_pieces, render
from .parallel import Jobs
from .region import Region
from .rng import guids, stream
from .sheets import runs

EXTRACTS_PER_ZIP = 5000
OLD_PER_ZIP = 20000


def _objects(region: Region) -> pd.DataFrame:
    """Every EGRN object with an extract (buildings included) and the randoms its XML needs."""
    p = region.params
    rng = stream(p.seed, "egrn-objects")
    units = region.units
    houses = region.houses
    reg = units[units["in_egrn"]]
    cad_of = units["cad"].to_numpy(object)
    number_of = units["egrn_number"].to_numpy(object)
    parent = reg["parent_unit"].to_numpy()
    build = houses[houses["build_root"] != ""]
    nb = len(build)
    b_reg = [f"{max(int(y), 1998) + int(k)}-{int(m):02d}-{int(d):02d}" for y, k, m, d in zip(
        build["year"], rng.integers(0, 8, nb), rng.integers(1, 13, nb), rng.integers(1, 29, nb))]
    objects = pd.DataFrame({
        "unit_idx": np.concatenate([reg["unit_idx"].to_numpy(), np.full(nb, -1)]),
        "house_idx": np.concatenate([reg["house_idx"].to_numpy(), build["house_idx"].to_numpy()]),
        "kind": np.concatenate([reg["kind"].to_numpy(object), np.full(nb, "building", dtype=object)]),
        "root": np.concatenate([reg["root"].to_numpy(object), build["build_root"].to_numpy(object)]),
        "cad": np.concatenate([reg["cad"].to_numpy(object), build["building_cad"].to_numpy(object)]),
        "number": np.concatenate([reg["egrn_number"].to_numpy(object), np.full(nb, "", dtype=object)]),
        "area": np.concatenate([reg["area"].to_numpy(float), build["area_total"].to_numpy(float)]),
        "floor": np.concatenate([reg["floor"].to_numpy(int), build["floors"].to_numpy(int)]),
        "reg_date": np.concatenate([reg["reg_date"].to_numpy(object), np.array(b_reg, dtype=object)]),
        "personal": np.concatenate([reg["personal"].to_numpy(bool), np.zeros(nb, bool)]),
        "parent_room_cad": np.concatenate([np.where(parent >= 0, cad_of[np.maximum(parent, 0)], ""),
                                           np.full(nb, "", dtype=object)]),
        "parent_number": np.concatenate([np.where(parent >= 0, number_of[np.maximum(parent, 0)], ""),
                                         np.full(nb, "", dtype=object)]),
        "common_name": np.concatenate([reg["common_name"].to_numpy(object), np.full(nb, "", dtype=object)]),
    })
    objects = objects.sort_values(["house_idx", "unit_idx"], kind="stable").reset_index(drop=True)
    n = len(objects)
    objects["guid"] = guids(rng, n)
    objects["kuvi"] = rng.integers(100_000_000, 999_999_999, size=n)
    objects["structured"] = rng.random(n) < 0.8
    objects["with_fias"] = rng.random(n) < 0.6
    objects["readable_style"] = rng.integers(0, addresses.EGRN_STYLES, size=n)
    objects["parent_link"] = rng.random(n) < 0.97
    old = np.where(rng.random(n) < 0.25, [
        f"{p.info.code}-{p.info.code}-{a:02d}/{b:03d}/{y}-{c}" for a, b, y, c in zip(
            rng.integers(1, 30, n), rng.integers(1, 700, n), rng.integers(1999, 2012, n), rng.integers(1, 999, n))], "")
    objects["old_number"] = old
    objects["plan_number"] = rng.random(n) < 0.3
    objects["price"] = rng.uniform(45_000, 110_000, size=n)
    objects["owners"] = rng.integers(1, 4, size=n)
    return objects


def _placement(region: Region, objects: pd.DataFrame) -> pd.DataFrame:
    """Container (a folder or a chain of zips) and member name of every extract file."""
    p = region.params
    rng = stream(p.seed, "egrn-placement")
    n = len(objects)
    cad = objects["cad"].to_numpy(object)
    root = objects["root"].to_numpy(object)
    name_style = rng.integers(0, 3, size=n)
    names = np.array([
        (f"{underscored(c)}.xml", f"Выписка_{dashed(c)}.xml", f"report-{underscored(c)}.xml")[s]
        for c, s in zip(cad, name_style)], dtype=object)
    old = np.isin(root, ["kpoks", "kvoks"])
    names[old] = [f"{r}_{underscored(c)}.xml" for r, c in zip(root[old], cad[old])]
    container = np.empty(n, dtype=object)
    folder = np.full(n, "", dtype=object)
    # Old extracts: zips of KPOKS flats (the first also holds the KVOKS buildings' zip), a few loose files.
    kp = np.flatnonzero(root == "kpoks")
    chunk = np.arange(len(kp)) // OLD_PER_ZIP
    container[kp] = np.array([f"rosreestr/archive_2017/kpoks_{c + 1:02d}.zip" for c in range(chunk.max() + 1)]
                             if len(kp) else [], dtype=object)[chunk] if len(kp) else container[kp]
    folder[kp] = "kpoks/"
    loose_old = np.zeros(n, dtype=bool)
    loose_old[_few(rng, kp, 0.02)] = True
    container[loose_old] = "rosreestr/archive_2017"
    folder[loose_old] = ""
    container[root == "kvoks"] = "rosreestr/archive_2017/kpoks_01.zip/kvoks_2017.zip"
    # Current extracts: batches of whole houses, in house order.
    current = ~old
    house = objects["house_idx"].to_numpy()
    per_house = np.bincount(house[current], minlength=len(region.houses))
    batch_of_house = np.cumsum(per_house) // EXTRACTS_PER_ZIP
    n_batches = int(batch_of_house.max()) + 1 if len(batch_of_house) else 1
    month = p.extract_date.strftime("%Y-%m")
    zip_names = [f"rosreestr/vypiski_egrn_{month}_{b + 1:02d}.zip" for b in range(n_batches)]
    if n_batches >= 3:                                 # the last batch arrived zipped inside a request archive
        zip_names[-1] = f"rosreestr/zapros_{month}.zip/vypiski_egrn_{month}_{n_batches:02d}.zip"
    style = rng.integers(0, 3, size=len(region.houses))
    quarter = region.houses["quarter"].to_numpy(object)
    rank = pd.Series(np.arange(len(region.houses))).groupby(batch_of_house).cumcount().to_numpy() + 1
    house_folder = np.array([
        (f"partiya_{b + 1}/", f"partiya_{b + 1}/dom_{k}/", f"Выписки ЕГРН/{underscored(q)}/")[s]
        for b, k, q, s in zip(batch_of_house, rank, quarter, style)], dtype=object)
    container[current] = np.array(zip_names, dtype=object)[batch_of_house[house[current]]]
    folder[current] = house_folder[house[current]]
    loose = np.zeros(n, dtype=bool)
    loose[_few(rng, np.flatnonzero(current), 0.002)] = True
    container[loose] = "rosreestr"
    folder[loose] = ""
    out = pd.DataFrame({"container": container, "member": folder + names})
    out["signature"] = (rng.random(n) < p.rates["signature_file"]) & ~loose & ~loose_old
    dup = current & ~loose & (rng.random(n) < p.rates["duplicate_extract"])
    if p.premises >= 500 and p.rates["duplicate_extract"] > 0 and not dup.any() and (current & ~loose).any():
        dup[np.flatnonzero(current & ~loose)[-1]] = True
    out["duplicate"] = dup
    return out


def _few(rng, candidates: np.ndarray, rate: float, cap: int = 20) -> np.ndarray:
    """A handful of the candidates (at least one, at most `cap`): loose files are the exception."""
    if not len(candidates):
        return candidates
    k = int(min(cap, max(1, round(len(candidates) * rate))))
    return np.sort(rng.choice(candidates, size=k, replace=False))


def _holders(region: Region, objects: pd.DataFrame) -> list:
    """Owners' data per object (None when the extract names nobody)."""
    p = region.params
    rng = stream(p.seed, "egrn-people")
    personal = np.flatnonzero(objects["personal"].to_numpy())
    m = len(personal) * 2
    who = people.names(rng, m)
    snils = people.snils(rng, m)
    pas = people.passports(rng, m, p.info.code)
    orgs = people.organisations(rng, len(personal))
    ogrn = people.ogrn(rng, len(personal), p.info.code)
    cols = [who["surname"].to_numpy(object), who["first_name"].to_numpy(object), who["patronymic"].to_numpy(object),
            who["birth_date"].to_numpy(object), who["birth_place"].to_numpy(object), snils,
            pas["series"].to_numpy(object), pas["number"].to_numpy(object), pas["issued"].to_numpy(object)]
    persons = [("person", *row, p.info.passport_issuer) for row in zip(*cols)]
    kind = objects["kind"].to_numpy(object)
    owners = objects["owners"].to_numpy()
    out: list = [None] * len(objects)
    for k, i in enumerate(personal):
        if kind[i] == "nonres" and owners[i] == 1:
            out[i] = (("legal", orgs[k], ogrn[k][3:13], ogrn[k]),)
        else:
            out[i] = tuple(persons[2 * k: 2 * k + max(1, min(int(owners[i]), 2))])
    return out


class _Columns:
    """The objects' columns as plain arrays, to make Items for any subset without pandas row access."""

    def __init__(self, objects: pd.DataFrame, place: pd.DataFrame, holders: list):
        obj = lambda name: objects[name].to_numpy(object)            # noqa: E731
        self.columns = [
            np.arange(len(objects)), obj("root"), obj("kind"), obj("cad"), objects["house_idx"].to_numpy(),
            obj("reg_date"), obj("guid"), objects["kuvi"].to_numpy(), objects["structured"].to_numpy(),
            objects["with_fias"].to_numpy(), objects["readable_style"].to_numpy(), objects["parent_link"].to_numpy(),
            obj("old_number"), objects["plan_number"].to_numpy(), objects["price"].to_numpy(),
            objects["owners"].to_numpy(), np.round(objects["area"].to_numpy(float), 2), objects["floor"].to_numpy(),
            obj("number"), obj("parent_room_cad"), obj("parent_number"), obj("common_name"),
            np.array(holders + [None], dtype=object)[:-1], place["container"].to_numpy(object),
            place["member"].to_numpy(object), place["signature"].to_numpy(), place["duplicate"].to_numpy(),
        ]

    def items(self, index: np.ndarray) -> list[Item]:
        return [Item(*row) for row in zip(*(c[index].tolist() for c in self.columns))]


def _house_pieces(region: Region) -> list[dict]:
    units = region.units
    reg = units[units["in_egrn"]]
    pieces = [house_pieces(region.params.info, h) for h in region.houses.to_dict("records")]
    listed = reg[reg["kind"].isin(["flat", "nonres", "common"])]
    for h, cads in listed.groupby("house_idx")["cad"]:
        pieces[int(h)]["rooms"] = list(cads)
    for h, cads in reg[reg["kind"] == "parking"].groupby("house_idx")["cad"]:
        pieces[int(h)]["parking"] = list(cads)
    flats = reg[reg["kind"].isin(["flat", "nonres"])]
    for h, g in flats.groupby("house_idx"):
        pieces[int(h)]["flats"] = list(zip(g["cad"], g["area"], g["floor"], g["egrn_number"]))
    return pieces


def _top(container: str) -> str:
    """The top-level file or folder of a container chain."""
    return container.split(".zip/")[0] + ".zip" if ".zip/" in container else container


def write_egrn(region: Region, out_dir: Path, workers: int = 1) -> tuple[pd.DataFrame, list[dict]]:
    """Write every extract; returns the truth about EGRN objects and the list of files written."""
    p = region.params
    objects = _objects(region)
    place = _placement(region, objects)
    columns = _Columns(objects, place, _holders(region, objects))
    pieces = _house_pieces(region)
    ctx = {"organ": f'Филиал публично-правовой компании "Роскадастр" {p.info.rosreestr_branch}',
           "date": p.extract_date.isoformat(), "old_date": "2017-10-26",
           "recipient": "Управление Росреестра — запрос ГИС ЖКХ", "seed": p.seed}
    containers = place["container"].to_numpy(object)
    tops = np.array([_top(c) for c in containers], dtype=object)
    order = np.lexsort((place["member"].to_numpy(object), containers, tops))
    batches = sorted(c for c in set(containers) if "vypiski" in c)
    last_batch = batches[-1] if batches else None
    duplicates = columns.items(np.flatnonzero(place["duplicate"].to_numpy()))
    files: list[dict] = []
    with Jobs(workers) as jobs:
        for top, start, stop in runs(tops[order]):
            job_items = columns.items(order[start:stop])       # one container's Items at a time (memory)
            extra = duplicates if last_batch and _top(last_batch) == top else []
            houses_needed = {i.house for i in job_items} | {i.house for i in extra}
            job_pieces = {h: pieces[h] for h in houses_needed}
            jobs.submit(_write_top, str(out_dir), job_items, extra, last_batch, job_pieces, ctx)
        for result in jobs.finish():
            files += result
    files.sort(key=lambda f: f["source_file"])
    return _truth(region, objects, place), files


def _signature(seed: int, cad: str) -> bytes:
    """256 bytes that look like a detached signature, fixed by the seed and the object."""
    block = hashlib.sha256(f"{seed}:{cad}".encode()).digest()
    return b"0\x82\x01\x00" + b"".join(hashlib.sha256(block + bytes([i])).digest() for i in range(8))[:252]


def _write_top(out_dir: str, items: list[Item], duplicates: list[Item], last_batch: str | None,
               pieces: dict, ctx: dict) -> list[dict]:
    """One top-level container (a folder, a zip and the zips inside it)."""
    writer = ContainerWriter(Path(out_dir))
    files: list[dict] = []
    items = sorted(items, key=lambda i: (i.container, i.member))
    current = None
    for item in items:
        if item.container != current:
            if current == last_batch:
                _deliver_duplicates(writer, duplicates, current, pieces, ctx, files)
            writer.switch(item.container)
            current = item.container
        writer.add(item.member, render(item, pieces[item.house], ctx))
        files.append({"source_file": f"{item.container}/{item.member}", "kind": "egrn"})
        if item.signature:
            writer.add(item.member + ".sig", _signature(ctx["seed"], item.cad))
            files.append({"source_file": f"{item.container}/{item.member}.sig", "kind": "signature"})
    if current == last_batch:
        _deliver_duplicates(writer, duplicates, current, pieces, ctx, files)
    writer.close()
    return files


def _deliver_duplicates(writer, duplicates: list[Item], container: str, pieces: dict, ctx: dict,
                        files: list[dict]) -> None:
    """The same bytes again under «povtor/» (a re-sent extract): Sverka must load it once."""
    for item in duplicates:
        name = f"povtor/{Path(item.member).name}"
        writer.add(name, render(item, pieces[item.house], ctx))
        files.append({"source_file": f"{container}/{name}", "kind": "egrn_duplicate",
                      "same_as": f"{item.container}/{item.member}"})


def _truth(region: Region, objects: pd.DataFrame, place: pd.DataFrame) -> pd.DataFrame:
    units = region.units
    houses = region.houses
    u = objects["unit_idx"].to_numpy()
    in_gis = np.zeros(len(objects), dtype=bool)
    in_gis[u >= 0] = units["in_gis"].to_numpy()[u[u >= 0]]
    kind = objects["kind"].to_numpy(object)
    object_kind = pd.Series(kind).map({"flat": "room", "nonres": "room", "common": "common", "parking": "parking",
                                       "room_in_flat": "room_in_flat", "building": "building"}).to_numpy(object)
    premise_kind = pd.Series(kind).map({"flat": "residential", "room_in_flat": "residential",
                                        "nonres": "non_residential", "common": "non_residential",
                                        "parking": "non_residential", "building": ""}).to_numpy(object)
    tags = {"old_format": objects["root"].isin(["kpoks", "kvoks"]).to_numpy(),
            "personal_data": objects["personal"].to_numpy(bool),
            "no_address_fias": ~objects["structured"].to_numpy(bool) & ~objects["root"].isin(["kpoks", "kvoks"]).to_numpy(),
            "no_parent_link": ~objects["parent_link"].to_numpy(bool) & (u >= 0),
            "egrn_only": (u >= 0) & ~in_gis & np.isin(kind, ["flat", "nonres"]),
            "signature_file": place["signature"].to_numpy(bool),
            "delivered_twice": place["duplicate"].to_numpy(bool)}
    noise = np.full(len(objects), "", dtype=object)
    for name in sorted(tags):
        noise = np.where(tags[name], noise + name + ";", noise)
    h = objects["house_idx"].to_numpy()
    return pd.DataFrame({
        "cadastral_number": objects["cad"].to_numpy(object),
        "kind": object_kind,
        "premise_kind": premise_kind,
        "building_cadastral_number": houses["building_cad"].to_numpy(object)[h],
        "parent_room_cadastral_number": objects["parent_room_cad"].to_numpy(object),
        "house_id": houses["house_id"].to_numpy(object)[h],
        "number": objects["number"].to_numpy(object),
        "area": objects["area"].to_numpy(),
        "xml_root": objects["root"].map(ROOT_NAMES).to_numpy(object),
        "source_file": (place["container"] + "/" + place["member"]).to_numpy(object),
        "in_gis": in_gis.astype(int),
        "noise": np.array([t[:-1] for t in noise], dtype=object),
    })
