"""Word lists for the bench's clients: people, trades and business names that look like a
consultant's book of small businesses, with a few names outside ASCII.

No trade contains "bakery": the datasets add bakeries on purpose (about 1 % of businesses),
so that a search for "bakery" finds a known share of the rows.
"""

from __future__ import annotations

import random

FIRST_NAMES = (
    "Ada", "Grace", "Maria", "José", "Aisha", "Wei", "Priya", "Liam", "Noah", "Olivia",
    "Emma", "Mateo", "Sofia", "Chen", "Fatima", "Kwame", "Ingrid", "Hiroshi", "Zoë", "Lucas",
    "Amara", "Diego", "Hannah", "Omar", "Yuki", "Elena", "Samuel", "Leila", "Tomás", "Nadia",
    "Ethan", "Chloe", "Ravi", "Ana", "Jonas", "Mei", "Kofi", "Isabel", "Arjun", "Freya",
    "Malik", "Rosa", "Dmitri", "Aroha", "Henrik", "Lucía", "Tariq", "Sara", "Ben", "Nia",
)  # fmt: skip

LAST_NAMES = (
    "Hopper", "Lovelace", "Okafor", "García", "Nguyen", "Patel", "Müller", "Kowalski",
    "Johnson", "Smith", "Tanaka", "Haddad", "Andersson", "Rossi", "Dubois", "Mensah",
    "O'Brien", "Fernández", "Kim", "Ivanova", "Silva", "Cohen", "Larsen", "Moreau", "Chen",
    "Brown", "Wilson", "Novak", "Yilmaz", "Murphy", "Santos", "Walker", "Nakamura", "Bauer",
    "Ortiz", "Hughes", "Akhtar", "Lindqvist", "Costa", "Reyes", "Fischer", "Abara", "Stone",
    "Price", "Baker", "Quinn", "Ramos", "Sato", "Wright", "Zhang",
)  # fmt: skip

TRADES = (
    "Plumbing", "Landscaping", "Consulting", "Electric", "Dental Care", "Auto Repair",
    "Roofing", "Catering", "Bookkeeping", "Fitness Studio", "Flower Shop", "Coffee Roasters",
    "Design Studio", "Cleaning Services", "Hardware", "Pet Grooming", "Tailoring",
    "Print Shop", "Joinery", "Physiotherapy", "Brewing Co.", "Bike Shop", "Tutoring",
    "Photography", "Music School", "Pharmacy", "Framing", "Deli", "Barbershop", "IT Services",
)  # fmt: skip

ADJECTIVES = (
    "Bright", "Northern", "Blue", "Golden", "Harbor", "Summit", "Cedar", "Maple", "Riverside",
    "Silver", "Evergreen", "Urban", "Coastal", "Prairie", "Red Oak", "Lakeside", "Granite",
)  # fmt: skip

SUFFIXES = ("", "", "", " LLC", " & Sons", " Co.", " Ltd", " Group", " & Daughters")

BAKERIES = ("Bakery", "Family Bakery", "bakery & Café", "Artisan Bakery", "Bakery and Deli")

MAIL_DOMAINS = (
    "mail.example", "inbox.example", "post.example", "webmail.example", "example.com",
    "example.net", "example.org",
)  # fmt: skip

BAKERY_SHARE = 0.01


def business_name(rng: random.Random, last: str, first: str) -> str:
    if rng.random() < BAKERY_SHARE:
        return f"{last} {rng.choice(BAKERIES)}"
    pattern = rng.randrange(3)
    if pattern == 0:
        name = f"{last} {rng.choice(TRADES)}"
    elif pattern == 1:
        name = f"{rng.choice(ADJECTIVES)} {rng.choice(TRADES)}"
    else:
        name = f"{first}'s {rng.choice(TRADES)}"
    return name + rng.choice(SUFFIXES)


def client(rng: random.Random, number: int) -> tuple[str, str, str]:
    """A client's name, business name and email; `number` keeps emails distinct."""
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    local = "".join(ch for ch in f"{first}.{last}".lower() if ch.isascii() and ch not in "'")
    email = f"{local}{number}@{rng.choice(MAIL_DOMAINS)}"
    return f"{first} {last}", business_name(rng, last, first), email
