"""The JSON API under /api/v1: one blueprint, with endpoints declared by each domain."""
