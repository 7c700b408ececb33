"""Russian address normalisation (GAR types) and premise-number keys — Python batch and DuckDB SQL.

    parse_addresses(lines) -> DataFrame        CONTRACT §1 columns, one row per input, in order
    premise_number_key(s) -> str | None        `пом. 1-Н` == `Н1` == `1н`; `IV` == `4`
    street_key(name) -> str | None             `Пугачёвский` == `Пугачевский`; `1-я Парковая` == `Парковая 1-я`
    number_normal_form(s) -> str | None        house/premise number as parse writes it (`25 а` → `25А`)
    register_address_functions(con)            the same as DuckDB macros (see sql.py)
"""

from transforms.address.parse import ADDRESS_COLUMNS, parse_addresses, parse_addresses_arrow
from transforms.address.premise_number import number_normal_form, premise_number_key
from transforms.address.sql import register_address_functions
from transforms.address.street_name import street_key

__all__ = [
    "ADDRESS_COLUMNS",
    "number_normal_form",
    "parse_addresses",
    "parse_addresses_arrow",
    "premise_number_key",
    "register_address_functions",
    "street_key",
]
