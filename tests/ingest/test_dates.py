import datetime as dt

import pytest

from communique.ingest.dates import parse_date


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2025-09-25", "2025-09-25"),
        ("2025-9-5", "2025-09-05"),
        ("2025-09-25 17:00:16", "2025-09-25"),
        ("2025-09-25T17:00:16-04:00", "2025-09-25"),
        ("2025-09-25T17:00:16Z", "2025-09-25"),
        ("2025/09/25", "2025-09-25"),
        ("20250925", "2025-09-25"),
        ("25/09/2025", "2025-09-25"),
        ("25 sept. 2025", "2025-09-25"),
        ("le 25 septembre 2025", "2025-09-25"),
        ("MONTRÉAL, le 1er octobre 2024", "2024-10-01"),
        ("3 février 2021", "2021-02-03"),
        ("3 fevrier 2021", "2021-02-03"),
        ("17 août 2020", "2020-08-17"),
        ("September 25, 2025", "2025-09-25"),
        ("Sept. 25, 2025", "2025-09-25"),
        ("Aug 3rd, 2020", "2020-08-03"),
        ("25 September 2025", "2025-09-25"),
        (dt.date(2024, 5, 18), "2024-05-18"),
        (dt.datetime(2024, 5, 18, 9, 30), "2024-05-18"),
    ],
)
def test_valid_dates(value, expected):
    assert parse_date(value) == expected


@pytest.mark.parametrize(
    "value",
    ["", "   ", None, "not a date", "2025-13-01", "2025-02-30", "31 février 2025", "03/04/2025", "yesterday", 20250925,
     "Ongoing"],
)
def test_invalid_dates(value):
    assert parse_date(value) is None
