"""Calendar feeds: each person, team, site, asset, place and building subscribes to its work."""
