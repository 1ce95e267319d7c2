"""Follow-up questions resolved from the conversation history."""
