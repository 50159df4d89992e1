"""/v1/webhooks: a person's callback URLs for events about their own uploads and decks, and the
recent attempts to deliver to each (the webhook service delivers; docs/webhooks.md)."""
