"""The Common Procurement Vocabulary's divisions: the first two digits of a CPV code, as a
readable category (Commission Regulation (EC) No 213/2008, Annex I, the CPV 2008 main
vocabulary; names as there, some shortened).

>>> division("90511000-2")
('90', 'Sewage, refuse, cleaning and environmental services')
>>> division("12345678") is None
True
"""

from __future__ import annotations

import re

DIVISIONS = {
    "03": "Agricultural, farming, fishing, forestry and related products",
    "09": "Petroleum products, fuel, electricity and other sources of energy",
    "14": "Mining, basic metals and related products",
    "15": "Food, beverages, tobacco and related products",
    "16": "Agricultural machinery",
    "18": "Clothing, footwear, luggage articles and accessories",
    "19": "Leather and textile fabrics, plastic and rubber materials",
    "22": "Printed matter and related products",
    "24": "Chemical products",
    "30": "Office and computing machinery, equipment and supplies",
    "31": "Electrical machinery, apparatus, equipment and consumables; lighting",
    "32": "Radio, television, communication, telecommunication and related equipment",
    "33": "Medical equipment, pharmaceuticals and personal care products",
    "34": "Transport equipment and auxiliary products to transportation",
    "35": "Security, fire-fighting, police and defence equipment",
    "37": "Musical instruments, sport goods, games, toys, handicraft and art materials",
    "38": "Laboratory, optical and precision equipment",
    "39": "Furniture, furnishings, domestic appliances and cleaning products",
    "41": "Collected and purified water",
    "42": "Industrial machinery",
    "43": "Machinery for mining, quarrying, construction equipment",
    "44": "Construction structures and materials; auxiliary products to construction",
    "45": "Construction work",
    "48": "Software package and information systems",
    "50": "Repair and maintenance services",
    "51": "Installation services (except software)",
    "55": "Hotel, restaurant and retail trade services",
    "60": "Transport services (excluding waste transport)",
    "63": "Supporting and auxiliary transport services; travel agencies services",
    "64": "Postal and telecommunications services",
    "65": "Public utilities",
    "66": "Financial and insurance services",
    "70": "Real estate services",
    "71": "Architectural, construction, engineering and inspection services",
    "72": "IT services: consulting, software development, Internet and support",
    "73": "Research and development services and related consultancy services",
    "75": "Administration, defence and social security services",
    "76": "Services related to the oil and gas industry",
    "77": "Agricultural, forestry, horticultural, aquacultural and apicultural services",
    "79": "Business services: law, marketing, consulting, recruitment, printing and security",
    "80": "Education and training services",
    "85": "Health and social work services",
    "90": "Sewage, refuse, cleaning and environmental services",
    "92": "Recreational, cultural and sporting services",
    "98": "Other community, social and personal services",
}

CODE = re.compile(r"\b(\d{8})(?:-\d)?\b")


def codes(text: str) -> list[str]:
    """The eight-digit CPV codes in ``text`` (check digits dropped), in order, once each."""
    return list(dict.fromkeys(CODE.findall(text)))


def division(code: str) -> tuple[str, str] | None:
    """The division (two digits, name) of a CPV code, or ``None`` when it names none."""
    found = codes(code)
    if not found or found[0][:2] not in DIVISIONS:
        return None
    return found[0][:2], DIVISIONS[found[0][:2]]
