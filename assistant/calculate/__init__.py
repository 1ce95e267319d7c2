"""The rule-based calculator: question understanding, fact selection, arithmetic, phrasing (pure)."""
