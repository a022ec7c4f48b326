"""The runtime modules (runtime/openai_realtime_client/) tested as they are in the repository,
without regenerating: imported as ``runtime.openai_realtime_client.*``."""
