"""Values past the service's bounds, shared by the unit and the API tests."""

# Dates outside the years 2000 to 2100 (in Paris time), written as clients send them.
OUT_OF_YEARS = [
    "0001-01-01T00:00:00",
    "0001-01-01T00:00:00+05:00",  # its conversion to UTC overflows
    "9999-12-31T23:59:59",
    "9999-12-31T23:59:59-05:00",
    "1999-12-31T12:00:00Z",
    "2101-01-01T00:00:00",
    "2100-12-31T23:30:00-05:00",  # 1 January 2101 in Paris
]
