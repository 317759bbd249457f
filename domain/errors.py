"""The domain's error tree.

Every expected failure of a use case is a `DomainError`; the layers above translate each
family into their own vocabulary (a GraphQL user error, a one-line CLI message)::

    DomainError
    ├── ValidationError        an input breaks a rule; names the field and the reason
    │   ├── WeakPassword       the password policy is not met
    │   ├── WrongPassword      the current password given to change it is not the account's
    │   └── InvalidAnswer      (domain.questionnaire) an answer breaks its question's rules
    ├── Conflict               the change collides with existing data
    │   ├── DuplicateEmail     an account with this email already exists
    │   ├── AlreadyCompleted   the assessment is completed; its answers are read-only
    │   └── Archived           the assessment is archived: read-only until unarchived
    ├── Incomplete             required questions are unanswered; names them
    ├── NotCompleted           reports and archiving need a completed assessment
    ├── NotShareable           only client reports get a public link
    ├── NotFound               the object does not exist (or is not the caller's)
    └── AuthenticationError    signing in or presenting a token failed
        ├── InvalidCredentials the email or password is wrong (never says which)
        ├── AccountLocked      too many failed logins; says until when
        └── InvalidToken       a refresh or password-reset token is unknown, used or expired
"""

from __future__ import annotations

from datetime import UTC, datetime


class DomainError(Exception):
    """Base of every expected failure; `message` is fit to show to a user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ValidationError(DomainError):
    """An input value breaks a rule. `field` names the input, as the caller spelled it."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


class WeakPassword(ValidationError):
    def __init__(self, message: str) -> None:
        super().__init__("password", message)


class WrongPassword(ValidationError):
    """Changing a password needs the current one; this one is not it."""

    def __init__(self) -> None:
        super().__init__("current_password", "the current password is incorrect")


class Conflict(DomainError):
    pass


class DuplicateEmail(Conflict):
    def __init__(self, email: str) -> None:
        super().__init__(f"an account with the email {email} already exists")
        self.email = email


class NotFound(DomainError):
    pass


class AlreadyCompleted(Conflict):
    def __init__(self) -> None:
        super().__init__("the assessment is completed; its answers can no longer change")


class Archived(Conflict):
    def __init__(self) -> None:
        super().__init__(
            "the assessment is archived, so it is read-only; unarchive it to change it"
        )


class Incomplete(DomainError):
    """Completion needs every visible required question answered (SCORING §5)."""

    def __init__(self, missing_keys: list[str]) -> None:
        shown = ", ".join(missing_keys)
        super().__init__(f"{len(missing_keys)} required question(s) unanswered: {shown}")
        self.missing_keys = missing_keys


class NotCompleted(DomainError):
    def __init__(
        self, message: str = "reports are generated once the assessment is completed"
    ) -> None:
        super().__init__(message)


class NotShareable(DomainError):
    def __init__(self) -> None:
        super().__init__("only client reports can be shared; the consultant report is confidential")


class AuthenticationError(DomainError):
    """Signing in or presenting a token failed; the message never says which detail was wrong
    beyond what the caller may know."""


class InvalidCredentials(AuthenticationError):
    """An unknown email, a wrong password and an account that may not sign in look the same."""

    def __init__(self) -> None:
        super().__init__("the email or password is incorrect")


class AccountLocked(AuthenticationError):
    def __init__(self, until: datetime) -> None:
        shown = until.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
        super().__init__(
            f"the account is locked after too many failed logins; try again after {shown}"
        )
        self.until = until


class InvalidToken(AuthenticationError):
    def __init__(self, message: str = "the token is invalid or has expired") -> None:
        super().__init__(message)
