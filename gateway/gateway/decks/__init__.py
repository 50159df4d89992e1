"""/v1/decks: ask for decks, follow them, download them."""
