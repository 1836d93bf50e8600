"""Running the engine over many rule sets: judged results as a stream, in bounded memory."""
