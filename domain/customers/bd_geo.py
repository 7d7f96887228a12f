"""Bangladesh's 8 divisions and 64 districts in their current official English spellings, with the older
spellings people still type (Chittagong, Comilla, Jessore, Bogra…) mapped onto them."""

from __future__ import annotations

DISTRICTS_BY_DIVISION: dict[str, tuple[str, ...]] = {
    "Barishal": ("Barguna", "Barishal", "Bhola", "Jhalokati", "Patuakhali", "Pirojpur"),
    "Chattogram": (
        "Bandarban",
        "Brahmanbaria",
        "Chandpur",
        "Chattogram",
        "Cox's Bazar",
        "Cumilla",
        "Feni",
        "Khagrachhari",
        "Lakshmipur",
        "Noakhali",
        "Rangamati",
    ),
    "Dhaka": (
        "Dhaka",
        "Faridpur",
        "Gazipur",
        "Gopalganj",
        "Kishoreganj",
        "Madaripur",
        "Manikganj",
        "Munshiganj",
        "Narayanganj",
        "Narsingdi",
        "Rajbari",
        "Shariatpur",
        "Tangail",
    ),
    "Khulna": (
        "Bagerhat",
        "Chuadanga",
        "Jashore",
        "Jhenaidah",
        "Khulna",
        "Kushtia",
        "Magura",
        "Meherpur",
        "Narail",
        "Satkhira",
    ),
    "Mymensingh": ("Jamalpur", "Mymensingh", "Netrokona", "Sherpur"),
    "Rajshahi": (
        "Bogura",
        "Chapainawabganj",
        "Joypurhat",
        "Naogaon",
        "Natore",
        "Pabna",
        "Rajshahi",
        "Sirajganj",
    ),
    "Rangpur": (
        "Dinajpur",
        "Gaibandha",
        "Kurigram",
        "Lalmonirhat",
        "Nilphamari",
        "Panchagarh",
        "Rangpur",
        "Thakurgaon",
    ),
    "Sylhet": ("Habiganj", "Moulvibazar", "Sunamganj", "Sylhet"),
}

DIVISION_OF: dict[str, str] = {d: div for div, ds in DISTRICTS_BY_DIVISION.items() for d in ds}

_ALIASES = {
    "barisal": "Barishal",
    "chittagong": "Chattogram",
    "comilla": "Cumilla",
    "coxsbazar": "Cox's Bazar",
    "jessore": "Jashore",
    "bogra": "Bogura",
    "chapainawabganj": "Chapainawabganj",
    "nawabganj": "Chapainawabganj",
    "jhalakathi": "Jhalokati",
    "jhalokathi": "Jhalokati",
    "laxmipur": "Lakshmipur",
    "lakshmipur": "Lakshmipur",
    "netrakona": "Netrokona",
    "maulvibazar": "Moulvibazar",
    "moulvibazaar": "Moulvibazar",
    "khagrachari": "Khagrachhari",
    "narshingdi": "Narsingdi",
    "kishorganj": "Kishoreganj",
    "jaipurhat": "Joypurhat",
}


def _key(name: str) -> str:
    return "".join(ch for ch in name.casefold() if ch.isalnum())


_DIVISIONS = {_key(d): d for d in DISTRICTS_BY_DIVISION}
_DISTRICTS = {_key(d): d for d in DIVISION_OF}


def division(name: str) -> str | None:
    """The official spelling of a division, or None."""
    key = _key(name)
    return _DIVISIONS.get(key) or (_ALIASES[key] if _ALIASES.get(key) in DISTRICTS_BY_DIVISION else None)


def district(name: str) -> str | None:
    """The official spelling of a district, or None."""
    key = _key(name)
    return _DISTRICTS.get(key) or (_ALIASES[key] if _ALIASES.get(key) in DIVISION_OF else None)


assert len(DISTRICTS_BY_DIVISION) == 8 and len(DIVISION_OF) == 64
