"""People and their privacy: the member registry, encrypted e-mail addresses, contact relay,
review routing (CODEOWNERS), moderation (takedowns, strikes, suspension), pull-request
checks and non-identifying statistics."""
