"""Who may do what: plain domain code any package can import, with no Flask in it."""
