"""The assistant: grounded answers with exact `[n]` citations, in the asker's language, or "not found".

    from communique.assistant import Assistant
    a = Assistant.open(".communique/index")
    answer = a.ask("How much for wildfire equipment in Alberta?")
"""
from communique.assistant.models import Answer, Citation

__all__ = ["Assistant", "Answer", "Citation"]


def __getattr__(name: str):
    # Lazy: `from assistant.models import Answer` must not load the retrieval stack.
    if name == "Assistant":
        from communique.assistant.assistant import Assistant

        return Assistant
    raise AttributeError(name)
