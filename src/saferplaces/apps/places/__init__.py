"""Places: addresses and named locations the partnership works on, their incidents from the
store and the cases that involve them."""
