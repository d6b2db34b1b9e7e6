"""The issue's "Done when", entered through the API alone: releases from four countries.

- NI: an expulsion of 222 to a third country (US), the US receiving them.
- VE + US: an exchange whose count sources disagree on (10 or 13).
- SY: releases over eighteen days after a change of government, counted as they went (verified 80, then
  266; the government claims 626), with no headline count, a described group, people kept back, and one
  named person freed at home on their own date.
- CU: a church-mediated release in return for removal from a state list, reversed by a later government.
All names are synthetic.
"""


def post(api, url, data, status=201):
    response = api.post(url, data, format="json")
    assert response.status_code == status, (url, response.content[:2000])
    return response.json()


def patch(api, url, data):
    response = api.patch(url, data, format="json")
    assert response.status_code == 200, (url, response.content[:2000])
    return response.json()


def enter_four_countries(api):
    rights = post(api, "/api/v1/sources/", {"link": "https://example.org/synthetic/rights", "kind": "rights_group"})
    official = post(api, "/api/v1/sources/", {"link": "https://example.org/synthetic/gov", "kind": "official"})
    news = post(api, "/api/v1/sources/", {"link": "https://example.org/synthetic/news", "kind": "news"})

    us = post(api, "/api/v1/parties/", {"name": "Synthetic United States", "kind": "state", "country": "US"})
    church = post(api, "/api/v1/parties/", {"name": "Synthetic Holy See", "kind": "religious_body", "country": "VA"})
    host = post(api, "/api/v1/parties/", {"name": "Synthetic Qatar", "kind": "state", "country": "QA"})

    expulsion = post(
        api,
        "/api/v1/release-events/",
        {
            "title": "Synthetic expulsion of 222",
            "date": "2023-02-09",
            "releasing_countries": ["NI"],
            "kind": "deportation",
            "reported_count": 222,
            "destination_counts": {"US": 222},
            "parties": [{"party_slug": us["slug"], "role": "receiving", "source_ids": [news["id"]]}],
            "source_ids": [news["id"]],
        },
    )
    exchange = post(
        api,
        "/api/v1/release-events/",
        {
            "title": "Synthetic exchange",
            "date": "2023-12-20",
            "releasing_countries": ["VE", "US"],
            "kind": "exchange",
            "reported_count": 10,
            "reported_count_qualifier": "at_least",
            "uncertain": True,
            "parties": [{"party_slug": host["slug"], "role": "mediator"}],
            "reported_values": [
                {
                    "field": "reported_count",
                    "value": "10",
                    "reported_by": "Synthetic Ministry",
                    "source_id": official["id"],
                },
                {
                    "field": "reported_count",
                    "value": "13",
                    "reported_by": "Synthetic Monitor",
                    "source_id": rights["id"],
                },
            ],
        },
    )
    process = post(
        api,
        "/api/v1/release-events/",
        {
            "title": "Synthetic prisons opened after the change of government",
            "date": "2024-12-08",
            "end_date": "2024-12-26",
            "releasing_countries": ["SY"],
            "kind": "other",
            "reported_counts": [
                {
                    "reported_on": "2024-12-11",
                    "count": 80,
                    "basis": "verified",
                    "reported_by": "Synthetic Monitor",
                    "source_ids": [rights["id"]],
                },
                {
                    "reported_on": "2024-12-26",
                    "count": 266,
                    "basis": "verified",
                    "reported_by": "Synthetic Monitor",
                    "source_ids": [rights["id"]],
                },
                {
                    "reported_on": "2024-12-20",
                    "count": 626,
                    "basis": "claimed",
                    "reported_by": "Synthetic Government",
                    "source_ids": [official["id"]],
                },
            ],
            "group_releases": [
                {
                    "description": "Synthetic members of a religious charity",
                    "count": 13,
                    "date": "2025-01-02",
                    "freed_at_home": True,
                },
                {"description": "Synthetic detainees kept back", "count": 5, "outcome": "kept_back"},
            ],
        },
    )
    deal = post(
        api,
        "/api/v1/deals/",
        {
            "title": "Synthetic church-mediated release",
            "status": "reversed",
            "announced_on": "2015-01-14",
            "parties": [
                {"party_slug": church["slug"], "role": "mediator"},
                {"party_slug": us["slug"], "role": "counterparty"},
            ],
            "relief_measures": [
                {
                    "kind": "state_list_removal",
                    "measure": "Removed from the synthetic state sponsors list",
                    "given_by_slug": us["slug"],
                    "authority": "Synthetic Secretary of State",
                    "status": "effective",
                    "announced_on": "2015-01-14",
                    "effective_on": "2015-05-29",
                    "source_ids": [news["id"]],
                }
            ],
        },
    )
    church_release = post(
        api,
        "/api/v1/release-events/",
        {
            "title": "Synthetic church-mediated release",
            "date": "2015-01-12",
            "releasing_countries": ["CU"],
            "kind": "pardon",
            "deal_slug": deal["slug"],
        },
    )
    # A later government reverses the removal: the same row, its status and the date of reversal.
    measure = api.get(f"/api/v1/deals/{deal['slug']}/").json()["relief_measures"][0]
    patch(
        api,
        f"/api/v1/deals/{deal['slug']}/",
        {
            "relief_measures": [
                {
                    "id": measure["id"],
                    "kind": "state_list_removal",
                    "measure": measure["measure"],
                    "given_by_slug": us["slug"],
                    "status": "reversed",
                    "effective_on": "2015-05-29",
                    "reversed_on": "2021-01-12",
                    "note": "Synthetic later government put it back on the list.",
                }
            ]
        },
    )

    person = post(api, "/api/v1/prisoners/", {"full_name": "Synthetic Freed At Home", "country": "SY"})
    post(
        api,
        "/api/v1/releases/",
        {
            "prisoner_id": person["id"],
            "release_event": process["slug"],
            "date": "2024-12-20",
            "freed_at_home": True,
            "reporting_duty": True,
        },
    )
    post(
        api,
        "/api/v1/reported-totals/",
        {
            "reported_on": "2025-01-10",
            "count": 1100,
            "counts_what": "political prisoners",
            "reported_by": "Synthetic Rights Group",
            "country": "BY",
            "still_held": True,
        },
    )
    post(
        api,
        "/api/v1/reported-totals/",
        {
            "reported_on": "2024-06-01",
            "count": 300,
            "qualifier": "about",
            "counts_what": "political prisoners",
            "reported_by": "Synthetic Monitor",
            "country": "VE",
            "still_held": True,
        },
    )
    return {
        "expulsion": expulsion,
        "exchange": exchange,
        "process": process,
        "deal": deal,
        "church_release": church_release,
        "church": church,
        "us": us,
        "measure_id": measure["id"],
        "person": person,
    }
