"""The 阳光花园 demo property: a realistic site to try Rounds on (`rounds demo load`)."""
