"""Volume tiers: a service with Tiers rows ignores its Unit Price; graduated bills each band at its own price (a line
per band), volume bills the whole quantity at the band it reaches; a client's Subscriptions Unit Price still wins."""

from datetime import date

from bookdata import SERVICES, book_of, client, load
from openpyxl.utils import get_column_letter
from scenario import amounts, managed, run_periods

from mspxl import schema

TIER_MODE_COLUMN = get_column_letter(1 + [c.header for c in schema.SERVICES.columns].index("Tier Mode"))

HELPDESK = {"Service Code": "HELP", "Name": "Helpdesk per user", "Model": "per_user", "Unit Price": 999}
BANDS = [{"Service Code": "HELP", "From Qty": 1, "Unit Price": 125},
         {"Service Code": "HELP", "From Qty": 11, "Unit Price": 115},
         {"Service Code": "HELP", "From Qty": 26, "Unit Price": 105}]


def users(n: int, added: date = date(2026, 1, 2), **extra: object) -> list[dict[str, object]]:
    return [{"Client ID": "C1", "User Name": f"U{i}", "Added On": added, **extra} for i in range(n)]


def thirty_users(mode: str, **subscription: object) -> dict[str, list[dict[str, object]]]:
    return {
        "Services": [*SERVICES, {**HELPDESK, "Tier Mode": mode}],
        "Tiers": BANDS,
        "Clients": [client()],
        "Subscriptions": [{"Client ID": "C1", "Service Code": "HELP", "Start Date": date(2026, 1, 1), **subscription}],
        "Users": users(30),
    }


def test_thirty_users_graduated_over_three_bands() -> None:
    _, issued = run_periods(book_of(thirty_users("graduated")), "2026-12")
    inv = managed(issued["2026-12"])
    # 10 x 125 + 15 x 115 + 5 x 105 = 1,250 + 1,725 + 525 = 3,500
    assert amounts(inv) == [("HELP", "10", "1250.00"), ("HELP", "15", "1725.00"), ("HELP", "5", "525.00")]
    assert inv.subtotal == 3500
    assert [ln.description.split(" (")[0] for ln in inv.lines] == [
        "Helpdesk per user, Dec 2026: users 1-10", "Helpdesk per user, Dec 2026: users 11-25",
        "Helpdesk per user, Dec 2026: users 26+"]
    assert "graduated tiers 1-10 125.00, 11-25 115.00, 26+ 105.00" in inv.lines[0].description
    assert inv.billed_users == 30


def test_thirty_users_volume_at_the_third_band() -> None:
    _, issued = run_periods(book_of(thirty_users("volume")), "2026-12")
    inv = managed(issued["2026-12"])
    assert amounts(inv) == [("HELP", "30", "3150.00")]  # 30 x 105
    assert inv.lines[0].description.startswith("Helpdesk per user, Dec 2026: 30 users at the 26+ price")


def test_a_client_price_wins_over_the_tiers() -> None:
    _, issued = run_periods(book_of(thirty_users("graduated", **{"Unit Price": 120})), "2026-12")
    assert amounts(managed(issued["2026-12"])) == [("HELP", "30", "3600.00")]


def test_a_decrease_outside_a_true_down_month_keeps_the_banded_count() -> None:
    sheets = thirty_users("graduated")
    sheets["Users"] = users(28) + users(2, **{"Removed On": date(2026, 12, 20)})
    sheets["Users"][-1]["User Name"], sheets["Users"][-2]["User Name"] = "L1", "L2"
    _, issued = run_periods(book_of(sheets), "2026-12", "2027-02")
    assert managed(issued["2026-12"]).subtotal == 3500
    # February is no true-down month: still 30 users, the bands of the previous invoice added up
    assert amounts(managed(issued["2027-02"])) == [
        ("HELP", "10", "1250.00"), ("HELP", "15", "1725.00"), ("HELP", "5", "525.00")]


def test_a_quarterly_client_pays_each_band_for_three_months() -> None:
    sheets = thirty_users("volume")
    sheets["Clients"] = [client(Frequency="quarterly", **{"Start Date": date(2026, 12, 1)})]
    _, issued = run_periods(book_of(sheets), "2026-12")
    assert amounts(managed(issued["2026-12"])) == [("HELP", "30", "9450.00")]  # 30 x 105 x 3


def test_tiers_need_a_mode_a_first_band_at_1_and_distinct_bands() -> None:
    sheets = thirty_users("")
    sheets["Tiers"] = [{"Service Code": "HELP", "From Qty": 2, "Unit Price": 125},
                       {"Service Code": "HELP", "From Qty": 2, "Unit Price": 115},
                       {"Service Code": "NOPE", "From Qty": 1, "Unit Price": 1},
                       {"Service Code": "STOR", "From Qty": 1, "Unit Price": 1}]
    sheets["Services"][-1]["Tier Mode"] = None
    rendered = sorted(p.render() for p in load(sheets).problems if p.severity.value == "error")
    expected = [
        f"Services!{TIER_MODE_COLUMN}8 (Tier Mode): is blank, but the service has tiers",
        'Tiers!B2 (From Qty): "2" is the lowest band of HELP, which must start at 1',
        'Tiers!B3 (From Qty): "2" starts a second band of HELP',
        'Tiers!A4 (Service Code): "NOPE" is not a known Service Code',
        'Tiers!A5 (Service Code): "STOR" is a usage service',
    ]
    for start in expected:
        assert sum(r.startswith(start) for r in rendered) == 1, (start, rendered)
