"""A scripted LangChain chat model for the LLM answerer's edge cases.

This is a deliberate fake, not a stand-in for quality: it replays fixed replies so that tests
can produce exactly the failure being tested (an out-of-range citation, no citation, an error
in the middle of a stream, a slow server). The real plumbing is tested against a real
OpenAI-compatible server in test_llm_server.py.
"""
from __future__ import annotations

import time
from typing import Any, Iterator

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult


class ScriptedChatModel(BaseChatModel):
    replies: list[str]  # one per call, in order (the last one repeats)
    fail_after_chunks: int | None = None  # raise this many chunks into a stream
    delay: float = 0.0  # seconds before each streamed chunk
    received: list[list[BaseMessage]] = []  # every prompt, for assertions

    @property
    def _llm_type(self) -> str:
        return "scripted"

    def _next(self, messages: list[BaseMessage]) -> str:
        self.received.append(list(messages))
        index = min(len(self.received) - 1, len(self.replies) - 1)
        return self.replies[index]

    def _generate(self, messages: list[BaseMessage], stop: list[str] | None = None,
                  run_manager: CallbackManagerForLLMRun | None = None, **kwargs: Any) -> ChatResult:
        text = self._next(messages)
        if self.fail_after_chunks is not None:
            raise ConnectionError("scripted failure")
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content=text))])

    def _stream(self, messages: list[BaseMessage], stop: list[str] | None = None,
                run_manager: CallbackManagerForLLMRun | None = None, **kwargs: Any) -> Iterator[ChatGenerationChunk]:
        text = self._next(messages)
        words = text.split(" ")
        for i, word in enumerate(words):
            if self.fail_after_chunks is not None and i >= self.fail_after_chunks:
                raise ConnectionError("scripted failure in the middle of the stream")
            if self.delay:
                time.sleep(self.delay)
            yield ChatGenerationChunk(message=AIMessageChunk(content=word + (" " if i < len(words) - 1 else "")))
