"""Vision-language model extraction over OpenAI-compatible servers: schema, prompt, client, confidence,
engine and the small-to-large cascade."""
