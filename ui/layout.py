"""The chat page: which components, where, and which handler each event calls.

The handlers are `ui.handlers.ChatApp`'s methods; the styles are `ui/style.css`. The chat's
messages live in server-side state (`messages`), so a question's request carries the question
and the filters, not the whole conversation's HTML back; conversations are kept in the
person's browser (`gr.BrowserState`, localStorage) and read back through `ui.history`.
"""
from __future__ import annotations

from typing import Any, Iterator

import gradio as gr

from communique.ui.gradio_api import ScriptApi
from communique.ui.handlers import ChatApp
from communique.ui.i18n import pick_ui_language, t
from communique.ui.markup import esc

SAVED_KEY = "communique-conversations-v1"
# BrowserState's secret is sent to the browser (it does the encryption there): it only keeps the
# stored value from being read as plain text by other scripts; the server checks what comes back.
SAVED_SECRET = "communique-conversations"
# After an answer, its first line at the top of the view: on a phone the page, not only the
# chat box, had scrolled down to the examples and the answer was out of sight. The Chatbot's
# own autoscroll runs 300 ms after a new value (to the bottom: the end of the Sources box),
# so the answer is brought back into view after it too.
SCROLL_TO_ANSWER = """() => {
  const go = () => {
    const answers = document.querySelectorAll('#cq-chat .cq-answer:not(.cq-pending), #cq-chat .cq-error');
    const last = answers[answers.length - 1];
    if (last) last.scrollIntoView({block: 'start', inline: 'nearest'});
  };
  go();
  setTimeout(go, 450);
}"""


def build(app: ChatApp) -> gr.Blocks:
    lang0 = "en"
    with gr.Blocks(title="Communiqué", analytics_enabled=False, fill_width=True) as demo:
        with gr.Row(equal_height=False):
            header = gr.HTML(app.header_html(lang0), elem_id="cq-header")
            logout = gr.Button(t(lang0, "logout"), link="/logout", elem_id="cq-logout", size="sm",
                               visible=app.logout, scale=0, min_width=120)
        status = gr.HTML("", elem_id="cq-status")
        messages = gr.State([])
        conv = gr.State([])
        pending = gr.State(None)
        conv_id = gr.State(None)
        saved = gr.BrowserState({"version": 1, "conversations": []}, storage_key=SAVED_KEY, secret=SAVED_SECRET)
        with gr.Row(equal_height=False):
            with gr.Column(scale=3, min_width=320):
                chatbot = gr.Chatbot(
                    elem_id="cq-chat",
                    label=t(lang0, "chat_label"),
                    placeholder=esc(t(lang0, "chat_placeholder")),
                    height=600,
                    render_markdown=False,  # release text is escaped HTML, never markdown
                    latex_delimiters=[],  # "$5 million and $3 million" must not become LaTeX
                    sanitize_html=True,
                    allow_tags=False,
                    buttons=["copy", "copy_all"],
                    feedback_options=("Like", "Dislike"),
                    autoscroll=True,
                )
                with gr.Row():
                    question = gr.Textbox(elem_id="cq-question", label=t(lang0, "question_label"),
                                          placeholder=t(lang0, "question_placeholder"), lines=1, max_lines=6,
                                          scale=5, autofocus=True)
                    send = gr.Button(t(lang0, "send"), variant="primary", elem_id="cq-send", scale=1, min_width=90)
                with gr.Row(visible=False, elem_id="cq-feedback") as feedback_row:
                    comment = gr.Textbox(elem_id="cq-comment", label=t(lang0, "feedback_label"), lines=1, scale=5,
                                         max_length=2000)
                    comment_send = gr.Button(t(lang0, "feedback_send"), elem_id="cq-comment-send", scale=1,
                                             size="sm", min_width=90)
                feedback_status = gr.HTML("", elem_id="cq-feedback-status")
                new_conv = gr.Button(t(lang0, "new_conversation"), elem_id="cq-new", size="sm")
                examples = gr.Dataset(elem_id="cq-examples", label=t(lang0, "examples"),
                                      components=[gr.Textbox(visible=False)],
                                      samples=[[q] for q in app.examples.all()], samples_per_page=12,
                                      visible=bool(app.examples.all()))
            with gr.Column(scale=1, min_width=240):
                ui_lang = gr.Radio(choices=[("Français", "fr"), ("English", "en")], value=lang0,
                                   label=t(lang0, "ui_language"), elem_id="cq-ui-lang")
                answer_lang = gr.Dropdown(choices=app.answer_lang_choices(lang0), value="",
                                          label=t(lang0, "answer_language"), elem_id="cq-answer-lang")
                with gr.Accordion(t(lang0, "filters"), open=True, elem_id="cq-filters") as filters_box:
                    source_lang = gr.Radio(choices=app.source_lang_choices(lang0), value="",
                                           label=t(lang0, "source_lang"), elem_id="cq-source-lang")
                    date_from = gr.Textbox(label=t(lang0, "date_from"), placeholder=t(lang0, "date_placeholder"),
                                           elem_id="cq-date-from")
                    date_to = gr.Textbox(label=t(lang0, "date_to"), placeholder=t(lang0, "date_placeholder"),
                                         elem_id="cq-date-to")
                    department = gr.Dropdown(choices=[(t(lang0, "any_source"), "")], value="",
                                             label=t(lang0, "department"), elem_id="cq-department",
                                             allow_custom_value=False)
                    clear = gr.Button(t(lang0, "clear_filters"), elem_id="cq-clear-filters", size="sm")
                with gr.Accordion(t(lang0, "saved_label"), open=True, elem_id="cq-saved") as saved_box:
                    saved_list = gr.Dropdown(choices=[], value=None, label=t(lang0, "saved_label"),
                                             elem_id="cq-saved-list", show_label=False)
                    with gr.Row():
                        saved_open = gr.Button(t(lang0, "saved_open"), elem_id="cq-saved-open", size="sm")
                        saved_delete = gr.Button(t(lang0, "saved_delete"), elem_id="cq-saved-delete", size="sm",
                                                 variant="stop")
                    saved_title = gr.Textbox(label=t(lang0, "saved_title"), elem_id="cq-saved-title",
                                             max_length=80)
                    saved_rename = gr.Button(t(lang0, "saved_rename"), elem_id="cq-saved-rename", size="sm")

        relabelled = [header, status, chatbot, question, send, comment, comment_send, new_conv, examples,
                      ui_lang, answer_lang, filters_box, source_lang, date_from, date_to, department, clear,
                      logout, saved_box, saved_open, saved_delete, saved_title, saved_rename]

        def relabel(lang: str) -> list[Any]:
            return [
                app.header_html(lang),
                app.status_html(lang),
                gr.update(label=t(lang, "chat_label"), placeholder=esc(t(lang, "chat_placeholder"))),
                gr.update(label=t(lang, "question_label"), placeholder=t(lang, "question_placeholder")),
                gr.update(value=t(lang, "send")),
                gr.update(label=t(lang, "feedback_label")),
                gr.update(value=t(lang, "feedback_send")),
                gr.update(value=t(lang, "new_conversation")),
                gr.update(label=t(lang, "examples")),
                gr.update(label=t(lang, "ui_language")),
                gr.update(label=t(lang, "answer_language"), choices=app.answer_lang_choices(lang)),
                gr.update(label=t(lang, "filters")),
                gr.update(label=t(lang, "source_lang"), choices=app.source_lang_choices(lang)),
                gr.update(label=t(lang, "date_from"), placeholder=t(lang, "date_placeholder")),
                gr.update(label=t(lang, "date_to"), placeholder=t(lang, "date_placeholder")),
                gr.update(label=t(lang, "department"), choices=app.department_choices(lang)),
                gr.update(value=t(lang, "clear_filters")),
                gr.update(value=t(lang, "logout")),
                gr.update(label=t(lang, "saved_label")),
                gr.update(value=t(lang, "saved_open")),
                gr.update(value=t(lang, "saved_delete")),
                gr.update(label=t(lang, "saved_title")),
                gr.update(value=t(lang, "saved_rename")),
            ]

        def on_load(request: gr.Request) -> list[Any]:
            lang = pick_ui_language(request.headers.get("accept-language"))
            updates = relabel(lang)
            updates[relabelled.index(ui_lang)] = gr.update(value=lang, label=t(lang, "ui_language"))
            return updates

        demo.load(on_load, inputs=None, outputs=relabelled, api_visibility="private", queue=False)
        demo.load(app.on_load_saved, inputs=[saved, ui_lang], outputs=saved_list, api_visibility="private",
                  queue=False)
        ui_lang.input(relabel, inputs=ui_lang, outputs=relabelled, api_visibility="private", queue=False)

        def respond(*args: Any) -> Iterator[tuple[Any, ...]]:
            for chat, turns, box, line in app.respond(*args):
                yield chat, chat, turns, box, line

        chat_inputs = [question, messages, conv, ui_lang, answer_lang, source_lang, date_from, date_to, department]
        chat_outputs = [chatbot, messages, conv, question, status]
        private: dict[str, Any] = {"api_visibility": "private"}

        def after_answer(event: Any) -> None:
            # Scrolled once the answer is final, and again once the saved list has been redrawn (on a
            # phone that redraw, below the chat, moved the page away from the answer).
            event.then(None, js=SCROLL_TO_ANSWER, **private).then(
                app.save, inputs=[conv, conv_id, saved, ui_lang], outputs=[saved, conv_id, saved_list], queue=False,
                **private).then(None, js=SCROLL_TO_ANSWER, **private)

        after_answer(gr.on(triggers=[question.submit, send.click], fn=respond, inputs=chat_inputs,
                           outputs=chat_outputs, concurrency_id="answer", show_progress="hidden", **private))
        after_answer(examples.click(lambda sample: sample[0], inputs=examples, outputs=question, queue=False,
                                    **private)
                     .then(respond, inputs=chat_inputs, outputs=chat_outputs, concurrency_id="answer",
                           show_progress="hidden", **private))
        new_conv.click(lambda: ([], [], [], "", gr.update(visible=False), None, "", None, gr.update(value=None)),
                       outputs=[chatbot, messages, conv, question, feedback_row, pending, feedback_status, conv_id,
                                saved_list], queue=False, **private)
        # The Chatbot's own trash button empties the messages: forget the turns with them, or later
        # likes would be matched to answers of the old conversation.
        chatbot.clear(lambda: ([], [], gr.update(visible=False), None, "", None),
                      outputs=[messages, conv, feedback_row, pending, feedback_status, conv_id], queue=False,
                      **private)
        clear.click(lambda: ("", "", "", ""), outputs=[source_lang, date_from, date_to, department], queue=False,
                    **private)
        saved_open.click(app.open_saved, inputs=[saved_list, saved, ui_lang],
                         outputs=[chatbot, messages, conv, conv_id, saved_title], **private)
        saved_delete.click(app.delete_saved, inputs=[saved_list, conv_id, saved, ui_lang],
                           outputs=[saved, saved_list, chatbot, messages, conv, conv_id], **private)
        gr.on(triggers=[saved_rename.click, saved_title.submit], fn=app.rename_saved,
              inputs=[saved_list, saved_title, saved, ui_lang], outputs=[saved, saved_list], **private)
        chatbot.like(app.on_like, inputs=[conv, ui_lang], outputs=[feedback_row, pending, feedback_status],
                     **private)
        gr.on(triggers=[comment.submit, comment_send.click], fn=app.on_comment,
              inputs=[comment, pending, conv, ui_lang], outputs=[comment, pending, feedback_status], **private)

        scripts = ScriptApi(app.backend)
        gr.api(scripts.api_ask, api_name="ask", concurrency_id="answer")
        gr.api(scripts.api_ask_stream, api_name="ask_stream", concurrency_id="answer")
        gr.api(scripts.api_stats, api_name="stats", concurrency_limit=None)
    demo.queue(default_concurrency_limit=app.concurrency, max_size=256)
    return demo
