from tests.people.helpers import people  # noqa: F401  (fixture)
