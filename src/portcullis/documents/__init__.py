"""ICAO Doc 9303 machine readable zones: read, validate, correct OCR noise and generate.

A pure package: no Django, no database.  ::

    from portcullis.documents import parse_mrz, generate_mrz, check_digit

    result = parse_mrz(lines)            # MRZResult; never raises for bad input
    result.valid, result.fields.surname, result.checks, result.errors, result.to_dict()
"""

from portcullis.documents.checkdigit import check_digit
from portcullis.documents.parser import parse_mrz
from portcullis.documents.result import MRZFields, MRZResult

__all__ = ["parse_mrz", "generate_mrz", "MRZResult", "MRZFields", "check_digit"]


def __getattr__(name: str):
    # generate_mrz pulls in the transliteration tables; load it on first use.
    if name == "generate_mrz":
        from portcullis.documents.generate import generate_mrz

        return generate_mrz
    raise AttributeError(name)
