"""Finding a page's layout before reading it: text lines, the blocks they form, reading order,
and how each line looks (colour, weight, size)."""
