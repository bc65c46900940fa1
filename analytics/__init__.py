"""Fascia's rules and numbers (no Streamlit, no SQLAlchemy).

The public analytics interface (DESIGN.md) names one function by the package: `analytics.flag_performance`
(the module `analytics/flag_performance.py` holds it and its helpers; import those from the module).
"""

from analytics.flag_performance import flag_performance

__all__ = ["flag_performance"]
