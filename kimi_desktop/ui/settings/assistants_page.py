"""Settings' Assistants tab: the built-in assistants and the user's, to add, copy, edit, delete.

Like the rest of the dialog it edits a working list: nothing is written until
OK (:meth:`AssistantsPage.save`), so Cancel really cancels. Built-in assistants
are shown read-only; "Duplicate" makes a copy the user owns.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QHBoxLayout, QListView, QVBoxLayout, QWidget

from kimi_desktop.i18n import _
from kimi_desktop.services.assistants import AssistantService, AssistantsNotSaved
from kimi_desktop.settings.assistants import (
    Assistant,
    assistant_problem,
    duplicate_assistant,
    new_assistant_id,
)
from kimi_desktop.ui.plain_text import plain_tooltip
from kimi_desktop.ui.settings.assistant_form import AssistantForm
from kimi_desktop.ui.settings.list_buttons import list_button


class AssistantsPage(QWidget):
    """The ``assistantList`` with New, Duplicate and Delete below, and the form beside it."""

    def __init__(self, service: AssistantService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("assistantsPage")
        self._service = service
        self._built_ins = [a for a in service.assistants() if a.built_in]
        self._user = list(service.user_assistants())

        self.list_model = QStandardItemModel(self)
        self.view = QListView(self)
        self.view.setObjectName("assistantList")
        self.view.setAccessibleName(_("Assistants"))
        self.view.setModel(self.list_model)
        self.view.setEditTriggers(QListView.EditTrigger.NoEditTriggers)
        self.view.selectionModel().currentChanged.connect(self._on_view_current_changed)
        # Polished before the first row is selected, which lays the rows out at once:
        # rows laid out before the style sheet's padding applies keep their cramped
        # places when the tab is first shown.
        self.view.ensurePolished()

        self.new_button = list_button(
            self,
            "plus",
            # TRANSLATORS: a button that makes a new assistant (an adjective used as a verb).
            _("New"),
            _("Make a new assistant"),
            self._new,
        )
        self.duplicate_button = list_button(
            self,
            "copy",
            _("Duplicate"),
            _("Make your own copy of the selected assistant"),
            self._copy,
        )
        self.delete_button = list_button(
            self, "trash-2", _("Delete"), _("Delete the selected assistant"), self._delete
        )
        self.form = AssistantForm(self)
        self.form.assistant_edited.connect(self._on_form_assistant_edited)

        buttons = QHBoxLayout()
        buttons.setSpacing(4)
        for button in (self.new_button, self.duplicate_button, self.delete_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        left = QVBoxLayout()
        left.addWidget(self.view, 1)
        left.addLayout(buttons)
        row = QHBoxLayout(self)
        row.addLayout(left, 2)
        row.addWidget(self.form, 5)
        self._fill(select=self._built_ins[0].id if self._built_ins else None)

    # -- the working list ----------------------------------------------------------

    def assistants(self) -> list[Assistant]:
        """Every assistant as shown: the built-in ones, then the user's as edited."""
        return [*self._built_ins, *self._user]

    def changed(self) -> bool:
        return tuple(self._user) != self._service.user_assistants()

    def current(self) -> Assistant | None:
        row = self.view.currentIndex().row()
        shown = self.assistants()
        return shown[row] if 0 <= row < len(shown) else None

    def select(self, assistant_id: str) -> None:
        ids = [a.id for a in self.assistants()]
        if assistant_id in ids:
            self.view.setCurrentIndex(self.list_model.index(ids.index(assistant_id), 0))

    def save(self) -> str | None:
        """Write the user's assistants if they changed; the sentence saying why they
        could not be, else ``None``. Nothing is written while one cannot be kept."""
        if not self.changed():
            return None
        try:
            self._service.save(self._user)
        except AssistantsNotSaved as exc:
            wrong = next((a for a in self._user if assistant_problem(a)), None)
            if wrong is not None:
                self.select(wrong.id)
            return exc.sentence
        return None

    # -- showing -------------------------------------------------------------------

    def _fill(self, select: str | None = None) -> None:
        self.list_model.clear()
        for assistant in self.assistants():
            item = QStandardItem()
            self._describe(item, assistant)
            self.list_model.appendRow(item)
        if select is not None:
            self.select(select)
        self._show_current()

    def _describe(self, item: QStandardItem, assistant: Assistant) -> None:
        if assistant.built_in:
            # TRANSLATORS: an assistant in Settings' list that ships with the app.
            item.setText(_("{name} (built in)").format(name=assistant.name))
        else:
            item.setText(assistant.name or _("(no name)"))
        item.setToolTip(plain_tooltip(assistant.description))

    def _show_current(self) -> None:
        current = self.current()
        problem = assistant_problem(current) if current is not None else None
        self.form.show_assistant(current, self._sentence(current, problem))
        owned = current is not None and not current.built_in
        self.duplicate_button.setEnabled(current is not None)
        self.delete_button.setEnabled(owned)

    @staticmethod
    def _sentence(assistant: Assistant | None, problem: str | None) -> str:
        if assistant is None or not problem:
            return ""
        # TRANSLATORS: {reason} says what is wrong, like "its name is empty".
        return _("This assistant cannot be saved because {reason}.").format(reason=problem)

    def _on_view_current_changed(self, _current: QModelIndex, _previous: QModelIndex) -> None:
        self._show_current()

    def _on_form_assistant_edited(self, edited: Assistant) -> None:
        index = next((i for i, a in enumerate(self._user) if a.id == edited.id), None)
        if index is None:
            return
        self._user[index] = edited
        item = self.list_model.item(len(self._built_ins) + index)
        if item is not None:
            self._describe(item, edited)
        self.form.show_problem(self._sentence(edited, assistant_problem(edited)))

    # -- the buttons ---------------------------------------------------------------

    def _taken(self) -> set[str]:
        return {a.id for a in self.assistants()}

    def _new(self) -> None:
        # TRANSLATORS: the name a new assistant gets until the user renames it.
        name = _("New assistant")
        self._add(Assistant(id=new_assistant_id(name, self._taken()), name=name), at=None)

    def _copy(self) -> None:
        current = self.current()
        if current is None:
            return
        copy = duplicate_assistant(current, self._taken())
        mine = next((i for i, a in enumerate(self._user) if a.id == current.id), None)
        # Right after the original; a built-in one's copy goes first among the user's.
        self._add(copy, at=0 if mine is None else mine + 1)

    def _add(self, assistant: Assistant, *, at: int | None) -> None:
        self._user.insert(len(self._user) if at is None else at, assistant)
        self._fill(select=assistant.id)
        self.form.name_edit.setFocus()
        self.form.name_edit.selectAll()

    def _delete(self) -> None:
        current = self.current()
        index = next((i for i, a in enumerate(self._user) if current and a.id == current.id), None)
        if index is None:
            return
        del self._user[index]
        shown = self.assistants()
        neighbour = shown[min(len(self._built_ins) + index, len(shown) - 1)]
        self._fill(select=neighbour.id)
