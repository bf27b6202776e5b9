"""The plans fixtures (site, a 四班三运转 engineering team, technicians) serve here too."""

from tests.plans.conftest import engineering, site, technicians

__all__ = ["engineering", "site", "technicians"]
