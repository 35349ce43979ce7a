"""The model side: the client protocol and its events, the OpenAI client, the offline demo bot,
the system prompt and the context the model sees."""
