"""`rise demo`: an administrator, a consultant and assessments in every state, so that the
API can be explored at once. Running it again reuses what is there."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from domain.bank import Bank
from domain.errors import DuplicateEmail
from domain.model import Answer, DiscType, Role, Section, User
from domain.reports.sample import sample_sheet
from domain.services import assessments
from domain.services.accounts import create_user
from persistence.unit_of_work import SqlUnitOfWork
from server.auth import Argon2PasswordHasher
from server.clock import SystemClock

log = logging.getLogger("rise")

ADMIN_EMAIL = "admin@demo.financial-rise.example"
CONSULTANT_EMAIL = "consultant@demo.financial-rise.example"
PASSWORD = "Demo-Password-2026!"


@dataclass(frozen=True)
class DemoClient:
    name: str
    business: str
    facts: dict[str, str]  # metadata answers by question key
    weak: Section | None  # the section answered worst; None: answered best throughout
    style: DiscType
    state: str  # draft, in_progress or completed


CLIENTS = (
    DemoClient("Maria Lopez", "Lopez Family Bakery", {"META-005": "sole_proprietor"},
               Section.STABILIZE, DiscType.D, "completed"),
    DemoClient("Devon Price", "Price Precision Machining", {"META-005": "s_corp", "ORG-007": "no"},
               Section.BUILD, DiscType.S, "completed"),
    DemoClient("Aisha Khan", "Bloom & Co Boutique", {"META-005": "llc"},
               Section.GROW, DiscType.I, "in_progress"),
    DemoClient("Tom Becker", "Becker Advisory", {"META-005": "llc"},
               None, DiscType.C, "draft"),
)  # fmt: skip


def demo_answers(bank: Bank, client: DemoClient) -> dict[str, Answer]:
    """A complete answer sheet: the client's facts, their style in every DISC question, the
    worst answers in their weak section and the best elsewhere."""
    return sample_sheet(bank, facts=client.facts, weak=client.weak, style=client.style)


async def _account(
    uow: SqlUnitOfWork, hasher: Argon2PasswordHasher, email: str, role: Role, first: str, last: str
) -> tuple[User, bool]:
    try:
        user = await create_user(
            uow=uow, hasher=hasher, email=email, password=PASSWORD, role=role,
            first_name=first, last_name=last, source="demo",
        )  # fmt: skip
        return user, True
    except DuplicateEmail:
        async with uow:
            existing = await uow.users.get_by_email(email)
        if existing is None:
            raise
        return existing, False


NewUnitOfWork = Callable[[], SqlUnitOfWork]


async def load_demo(make: NewUnitOfWork, bank: Bank) -> str:
    """Loads the demo, a fresh unit of work from `make()` per use case; returns what to tell
    the person who asked for it."""
    hasher, clock = Argon2PasswordHasher(), SystemClock()
    await _account(make(), hasher, ADMIN_EMAIL, Role.ADMIN, "Ada", "Admin")
    consultant, fresh = await _account(
        make(), hasher, CONSULTANT_EMAIL, Role.CONSULTANT, "Casey", "Consultant"
    )
    if fresh:
        for client in CLIENTS:
            await _client(make, bank, clock, consultant, client)
    state = "created" if fresh else "already there"
    return "\n".join(
        [
            f"Demo data {state}: {len(CLIENTS)} assessments (draft, in progress, completed).",
            f"  administrator: {ADMIN_EMAIL}",
            f"  consultant:    {CONSULTANT_EMAIL}",
            f"  password:      {PASSWORD}",
            "Sign in with the login mutation at /graphql, then send the access token as",
            "  Authorization: Bearer <accessToken>",
        ]
    )


async def _client(
    make: NewUnitOfWork, bank: Bank, clock: SystemClock, owner: User, client: DemoClient
) -> None:
    created = await assessments.create_assessment(
        uow=make(),
        actor=owner,
        client_name=client.name,
        client_business_name=client.business,
        client_email=f"{client.name.split()[0].lower()}@{client.business.split()[0].lower()}.example",
        confidence_before=4,
    )
    if client.state == "draft":
        return
    sheet = list(demo_answers(bank, client).values())
    given = sheet if client.state == "completed" else sheet[: len(sheet) // 2]
    await assessments.save_responses(
        uow=make(), clock=clock, bank=bank, actor=owner,
        assessment_id=created.id, answers=given,
    )  # fmt: skip
    if client.state == "completed":
        await assessments.complete_assessment(
            uow=make(), clock=clock, bank=bank, actor=owner, assessment_id=created.id
        )
