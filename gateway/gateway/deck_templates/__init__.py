"""/v1/templates: the PowerPoint templates a deck can use."""
