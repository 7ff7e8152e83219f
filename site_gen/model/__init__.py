"""The case model: YAML with positions, the JSON Schema, cases, users and the library that holds them."""
