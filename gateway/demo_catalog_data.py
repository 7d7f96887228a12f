"""The demo shop's catalog as plain data: a deterministic, realistic Bangladeshi fashion-and-home shop with
English and Bengali text. The same seed always gives the same catalog, so re-seeding changes nothing."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

# (English, Bengali) pairs.
DEPARTMENTS = [
    ("Men", "পুরুষ"),
    ("Women", "নারী"),
    ("Kids", "শিশু"),
    ("Home & Living", "ঘর ও জীবনযাপন"),
    ("Beauty", "সৌন্দর্য"),
]
FAMILIES = [
    ("Clothing", "পোশাক"),
    ("Footwear", "জুতা"),
    ("Accessories", "আনুষঙ্গিক"),
    ("Traditional", "ঐতিহ্যবাহী"),
]
KINDS = {
    "Clothing": [
        ("Shirts", "শার্ট"),
        ("T-Shirts", "টি-শার্ট"),
        ("Trousers", "প্যান্ট"),
        ("Jackets", "জ্যাকেট"),
        ("Hoodies", "হুডি"),
    ],
    "Footwear": [
        ("Sandals", "স্যান্ডেল"),
        ("Sneakers", "স্নিকার"),
        ("Loafers", "লোফার"),
        ("Boots", "বুট"),
        ("Slippers", "চপ্পল"),
    ],
    "Accessories": [
        ("Bags", "ব্যাগ"),
        ("Watches", "ঘড়ি"),
        ("Belts", "বেল্ট"),
        ("Wallets", "মানিব্যাগ"),
        ("Scarves", "স্কার্ফ"),
    ],
    "Traditional": [
        ("Panjabi", "পাঞ্জাবি"),
        ("Saree", "শাড়ি"),
        ("Lungi", "লুঙ্গি"),
        ("Kurti", "কুর্তি"),
        ("Nakshi Kantha", "নকশি কাঁথা"),
    ],
}
ADJECTIVES = [
    ("Classic", "ক্লাসিক"),
    ("Cotton", "সুতি"),
    ("Silk", "রেশমি"),
    ("Linen", "লিনেন"),
    ("Handloom", "তাঁতের"),
    ("Festive", "উৎসবের"),
    ("Everyday", "প্রতিদিনের"),
    ("Premium", "প্রিমিয়াম"),
    ("Jamdani", "জামদানি"),
    ("Summer", "গ্রীষ্মের"),
    ("Winter", "শীতের"),
    ("Eid", "ঈদের"),
    ("Slim", "স্লিম"),
    ("Embroidered", "এমব্রয়ডারি"),
]
BRAND_STEMS = [
    "Aarong",
    "Yellow",
    "Ecstasy",
    "Sailor",
    "Richman",
    "Infinity",
    "Cats Eye",
    "Le Reve",
    "Dorjibari",
    "Kay Kraft",
    "Anjan's",
    "Bishwo Rang",
    "Nipun",
    "Sadakalo",
    "Deshal",
    "Rang Bangladesh",
    "Trendz",
    "Lubnan",
    "Apex",
    "Bata",
    "Lotto",
    "Bay",
    "Jatra",
    "Tangail Taant",
    "Probaho",
    "Shada Kalo",
    "Kumudini",
    "Grameen Check",
    "Art Ex",
    "Nogor",
    "Meena Bazar",
    "Shwapno Style",
    "Dhaka Denim",
    "Padma Weaves",
    "Jamuna Leather",
    "Sundarban Craft",
    "Sylhet Tea Co",
    "Chittagong Port Wear",
    "Rajshahi Silk",
    "Khulna Jute",
    "Barisal Boat",
    "Rangpur Rugs",
    "Mymensingh Muslin",
    "Comilla Khadi",
    "Bogra Doi",
    "Cox's Coast",
    "Sreemangal Leaf",
    "Kuakata Surf",
    "Rangamati Hills",
    "Savar Studio",
]
COLOURS = [
    ("red", "Red", "লাল", "#c0392b"),
    ("blue", "Blue", "নীল", "#2e86de"),
    ("green", "Green", "সবুজ", "#27ae60"),
    ("black", "Black", "কালো", "#111111"),
    ("white", "White", "সাদা", "#fafafa"),
    ("maroon", "Maroon", "মেরুন", "#800000"),
]
SIZES = ["S", "M", "L", "XL", "XXL"]
MATERIALS = [
    ("cotton", "Cotton"),
    ("silk", "Silk"),
    ("linen", "Linen"),
    ("leather", "Leather"),
    ("jute", "Jute"),
    ("polyester", "Polyester"),
]
TAGS = ["eid", "new", "sale", "handmade", "bestseller", "gift", "winter", "summer", "boishakh", "organic"]
REVIEWERS = ["Rahim", "Karim", "Fatema", "Ayesha", "Tanvir", "Nusrat", "Sabbir", "Mim", "Jamal", "Rupa"]
REVIEW_TEXT = [
    (5, "Excellent quality", "খুব ভালো মানের। আবার কিনব।"),
    (4, "Good value", "দামের তুলনায় ভালো।"),
    (3, "Okay", "মোটামুটি, ডেলিভারি দেরি হয়েছে।"),
    (5, "Perfect fit", "মাপ একদম ঠিক।"),
    (2, "Colour faded", "ধোয়ার পর রং উঠে গেছে।"),
]


@dataclass
class DemoCategory:
    key: str
    name_en: str
    name_bn: str
    parent: str | None


@dataclass
class DemoVariant:
    sku: str
    options: dict[str, str]
    price_bdt: int  # poisha
    price_usd: int  # cents
    compare_at_bdt: int | None
    on_hand: int
    weight_grams: int


@dataclass
class DemoReview:
    rating: int
    title: str
    body: str
    author: str
    approved: bool


@dataclass
class DemoProduct:
    handle: str
    title_en: str
    title_bn: str
    description_en: str
    description_bn: str
    brand: str
    category: str
    tags: list[str]
    material: str
    colour: str
    organic: bool
    variants: list[DemoVariant]
    images: list[str]
    reviews: list[DemoReview] = field(default_factory=list)
    days_old: int = 0


def categories() -> list[DemoCategory]:
    """Five departments, four families each, five kinds each: 5 + 20 + 100 = 125 categories, three levels."""
    out: list[DemoCategory] = []
    for dep_en, dep_bn in DEPARTMENTS:
        dep_key = dep_en.lower().replace(" & ", "-").replace(" ", "-")
        out.append(DemoCategory(dep_key, dep_en, dep_bn, None))
        for fam_en, fam_bn in FAMILIES:
            fam_key = f"{dep_key}-{fam_en.lower()}"
            out.append(DemoCategory(fam_key, f"{dep_en} {fam_en}", f"{dep_bn} {fam_bn}", dep_key))
            for kind_en, kind_bn in KINDS[fam_en]:
                kind_key = f"{fam_key}-{kind_en.lower().replace(' ', '-')}"
                out.append(DemoCategory(kind_key, kind_en, kind_bn, fam_key))
    return out


def brands() -> list[str]:
    return BRAND_STEMS[:50]


def products(count: int = 2000, seed: int = 2026) -> list[DemoProduct]:
    rng = random.Random(seed)
    leaves = [c for c in categories() if c.parent is not None and c.key.count("-") >= 2 and _is_leaf(c)]
    names = brands()
    out: list[DemoProduct] = []
    for n in range(count):
        leaf = leaves[n % len(leaves)]
        adj_en, adj_bn = ADJECTIVES[rng.randrange(len(ADJECTIVES))]
        colour = COLOURS[rng.randrange(len(COLOURS))]
        brand = names[rng.randrange(len(names))]
        title_en = f"{adj_en} {colour[1]} {leaf.name_en} {n + 1}"
        title_bn = f"{adj_bn} {colour[2]} {leaf.name_bn} {_bn_digits(n + 1)}"
        base = rng.randrange(300, 9000) * 100  # poisha, whole taka
        sizes = SIZES if rng.random() < 0.25 else SIZES[:4]
        variants = []
        for size in sizes:
            price = base + (SIZES.index(size) * 5000)
            variants.append(
                DemoVariant(
                    sku=f"DEMO-{n + 1:05d}-{size}",
                    options={"Size": size, "Colour": colour[1]},
                    price_bdt=price,
                    price_usd=max(99, round(price / 120)),
                    compare_at_bdt=price + 20000 if rng.random() < 0.2 else None,
                    on_hand=0 if rng.random() < 0.08 else rng.randrange(1, 60),
                    weight_grams=rng.randrange(150, 1500),
                )
            )
        reviews = []
        for _ in range(rng.choice((0, 0, 1, 2, 3, 5))):
            rating, title, body = REVIEW_TEXT[rng.randrange(len(REVIEW_TEXT))]
            reviews.append(
                DemoReview(rating, title, body, REVIEWERS[rng.randrange(len(REVIEWERS))], rng.random() < 0.85)
            )
        out.append(
            DemoProduct(
                handle=f"demo-{n + 1:05d}",
                title_en=title_en,
                title_bn=title_bn,
                description_en=f"<p>{adj_en} {leaf.name_en.lower()} by {brand}. Made in Bangladesh.</p>",
                description_bn=f"<p>{brand}-এর {adj_bn} {leaf.name_bn}। বাংলাদেশে তৈরি।</p>",
                brand=brand,
                category=leaf.key,
                tags=sorted(set(rng.sample(TAGS, rng.randrange(1, 4)))),
                material=MATERIALS[rng.randrange(len(MATERIALS))][0],
                colour=colour[0],
                organic=rng.random() < 0.3,
                variants=variants,
                images=[
                    f"https://images.demo.stormcom.test/products/{n + 1:05d}-{i}.jpg"
                    for i in range(1, rng.randrange(2, 5))
                ],
                reviews=reviews,
                days_old=rng.randrange(0, 365),
            )
        )
    return out


def _is_leaf(category: DemoCategory) -> bool:
    return any(category.name_en == kind for kinds in KINDS.values() for kind, _ in kinds)


_BN_DIGITS = str.maketrans("0123456789", "০১২৩৪৫৬৭৮৯")


def _bn_digits(n: int) -> str:
    return str(n).translate(_BN_DIGITS)
