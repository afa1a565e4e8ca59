from extractors.rules.parties import find_between_parties, find_defined_parties


def _names(text: str) -> list[tuple[str, str | None]]:
    return [(p.name, p.role) for p in find_defined_parties(text)]


def test_by_and_between_with_defined_terms() -> None:
    text = (
        'This Agreement is made by and between Acme Widgets, Inc., a Delaware corporation (the "Company"), '
        'and Jane Q. Roe, an individual residing in Boston ("Employee").'
    )
    assert _names(text) == [("Acme Widgets, Inc.", "Company"), ("Jane Q. Roe", "Employee")]


def test_recitals_and_hereinafter_forms() -> None:
    text = (
        "WHEREAS, Beacon Holdings Ltd., a company incorporated in England and Wales, with its registered "
        'office at 1 King Street, London ("Landlord"), owns the Premises; and\n'
        "WHEREAS, Riverbend Realty, L.P., a Texas limited partnership (hereinafter referred to as the "
        '"Tenant") wishes to lease them.'
    )
    assert _names(text) == [("Beacon Holdings Ltd.", "Landlord"), ("Riverbend Realty, L.P.", "Tenant")]


def test_defined_terms_that_are_not_parties_are_skipped() -> None:
    text = (
        'This Master Services Agreement (the "Agreement") is effective as of the date signed (the '
        '"Effective Date") between the parties named below (each, a "Party").'
    )
    assert _names(text) == []


def test_between_without_defined_terms_needs_company_names() -> None:
    text = "This Agreement is made between Acme Widgets Inc. and Beacon Ltd. on 3 March 2024."
    assert [p.name for p in find_between_parties(text)] == ["Acme Widgets Inc.", "Beacon Ltd."]
    assert find_between_parties("a dispute between the parties and their affiliates.") == []


def test_a_line_break_after_a_leading_connector_keeps_the_whole_name() -> None:
    # OCR text breaks lines anywhere: "the" or "and" may end a line, the company's name starting the next.
    text = "This Agreement is made between the\nAcme Widgets Inc. and the\nBeacon Holdings Ltd."
    assert [p.name for p in find_between_parties(text)] == ["Acme Widgets Inc.", "Beacon Holdings Ltd."]
    # A blank left for a party's name, the suffix alone on the next line: no name, and no crash.
    assert find_between_parties("This Agreement is made between and\nLtd.\nInvoices are due.") == []


def test_english_style_parties_without_quotes() -> None:
    text = (
        "PARTIES\n\n(1) ACME SUPPLIES LIMITED incorporated and registered in England and Wales with company "
        "number 01234567 whose registered office is at 1 King Street, London (Supplier); and\n"
        "(2) BEACON RETAIL PLC incorporated and registered in Scotland (Customer)."
    )
    assert _names(text) == [("ACME SUPPLIES LIMITED", "Supplier"), ("BEACON RETAIL PLC", "Customer")]


def test_between_companies_described_at_length() -> None:
    text = (
        "This Agreement is made by and between Acme Widgets, Inc., a Delaware corporation with offices at "
        "1 Main Street, Dover, and Beacon Analytics Ltd., a company incorporated in England."
    )
    assert [p.name for p in find_between_parties(text)][:2] == ["Acme Widgets, Inc.", "Beacon Analytics Ltd."]
