"""The statement counter's reading of a simple-protocol message (tests/statements.py): one
statement per semicolon outside quotes, however the values were bound into the text."""

from tests.statements import split_statements


def test_a_message_is_split_at_its_semicolons() -> None:
    assert split_statements("BEGIN; SELECT 1") == ["BEGIN", "SELECT 1"]
    assert split_statements("INSERT INTO t VALUES (1); COMMIT;") == [
        "INSERT INTO t VALUES (1)",
        "COMMIT",
    ]
    assert split_statements("COMMIT") == ["COMMIT"]


def test_semicolons_inside_literals_and_identifiers_do_not_split() -> None:
    text = (
        "INSERT INTO t (\"a;b\") VALUES ('x;y', 'it''s; fine', E'back\\\\; slash', "
        "E'one\\'; two', '{\"k\": \"v;\"}'::jsonb); COMMIT"
    )
    parts = split_statements(text)
    assert len(parts) == 2, parts
    assert parts[1] == "COMMIT"
    assert parts[0].endswith("::jsonb)")
