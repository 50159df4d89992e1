"""The webhook service: sends the events a person subscribed to to their callback URLs."""
