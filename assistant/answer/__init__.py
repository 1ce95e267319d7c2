"""Choosing the sentences that answer, abstaining, composing the cited answer."""
