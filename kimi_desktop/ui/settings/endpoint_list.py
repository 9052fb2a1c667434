"""The endpoint list in Settings: the user's endpoints in picker order, and the buttons
that add (from a preset or a custom server), duplicate, remove and reorder them.

It changes the dialog's working copy only; the endpoint form edits the selected one.
"""

from __future__ import annotations

from functools import partial

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QHBoxLayout, QListView, QMenu, QToolButton, QVBoxLayout, QWidget

from kimi_desktop.i18n import _
from kimi_desktop.settings.presets import PRESETS, Preset
from kimi_desktop.settings.profiles import EndpointProfile, new_profile_id
from kimi_desktop.ui.icons import set_icon
from kimi_desktop.ui.plain_text import plain_tooltip
from kimi_desktop.ui.settings.list_buttons import list_button
from kimi_desktop.ui.settings.working_copy import WorkingCopy


class EndpointListPanel(QWidget):
    """The ``endpointList`` view over the working copy, with its buttons below.

    Signals:
        current_changed(str endpoint_id): another endpoint is selected ("" for none).
        endpoint_added(bool custom): an endpoint was added and selected; ``custom``
            for a custom server (its address comes next), else a preset or a
            copy (its key comes next).
    """

    current_changed = Signal(str)
    endpoint_added = Signal(bool)

    def __init__(self, copy: WorkingCopy, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._copy = copy
        self.list_model = QStandardItemModel(self)
        self.view = QListView(self)
        self.view.setObjectName("endpointList")
        self.view.setAccessibleName(_("Endpoints"))
        self.view.setToolTip(_("Your endpoints, in the order the endpoint picker lists them"))
        self.view.setModel(self.list_model)
        self.view.setEditTriggers(QListView.EditTrigger.NoEditTriggers)
        self.view.selectionModel().currentChanged.connect(self._on_view_current_changed)

        self.add_button = QToolButton(self)
        self.add_button.setObjectName("addEndpointButton")
        # TRANSLATORS: a button that opens a menu of endpoints to add (a verb).
        self.add_button.setText(_("Add"))
        self.add_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        set_icon(self.add_button, "plus")
        self.add_button.setToolTip(_("Add an endpoint from a preset, or a custom one"))
        self.add_button.setAccessibleName(_("Add endpoint"))
        self.add_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.add_menu = QMenu(self.add_button)
        for preset in PRESETS:
            action = self.add_menu.addAction(_(preset.name), partial(self._add_preset, preset))
            action.setToolTip(_(preset.description))
        self.add_menu.setToolTipsVisible(True)
        self.add_menu.addSeparator()
        self.add_menu.addAction(_("Custom server…"), self._add_custom)
        self.add_button.setMenu(self.add_menu)
        self.duplicate_button = list_button(
            self,
            "copy",
            _("Duplicate"),
            _("Duplicate the selected endpoint (with its key)"),
            self._duplicate,
        )
        self.remove_button = list_button(
            self,
            "trash-2",
            _("Remove"),
            _("Remove the selected endpoint and its stored key"),
            self._remove,
        )
        self.up_button = list_button(self, "arrow-up", "", _("Move up"), lambda: self._move(-1))
        self.down_button = list_button(
            self, "arrow-down", "", _("Move down"), lambda: self._move(1)
        )
        row = QHBoxLayout()
        row.setSpacing(4)
        for button in (
            self.add_button,
            self.duplicate_button,
            self.remove_button,
            self.up_button,
            self.down_button,
        ):
            row.addWidget(button)
        row.addStretch(1)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.view, 1)
        column.addLayout(row)

    def fill(self, select: str | None = None) -> None:
        """Show the working copy again, with ``select`` (else the first) selected."""
        self.list_model.clear()
        for profile in self._copy.profiles:
            item = QStandardItem(profile.name)
            item.setToolTip(plain_tooltip(profile.base_url))
            self.list_model.appendRow(item)
        row = max(self._copy.row_of(select), 0)
        if self._copy.profiles:
            self.view.setCurrentIndex(self.list_model.index(row, 0))
        self._announce(row if self._copy.profiles else -1)

    def refresh(self, endpoint_id: str) -> None:
        """Show an edited endpoint's name and address."""
        row = self._copy.row_of(endpoint_id)
        item = self.list_model.item(row)
        if item is not None:
            profile = self._copy.profiles[row]
            item.setText(profile.name)
            item.setToolTip(plain_tooltip(profile.base_url))

    def current_row(self) -> int:
        return self.view.currentIndex().row()

    def current_profile(self) -> EndpointProfile | None:
        row = self.current_row()
        return self._copy.profiles[row] if 0 <= row < len(self._copy.profiles) else None

    def _on_view_current_changed(self, current: QModelIndex, _previous: object) -> None:
        self._announce(current.row())

    def _announce(self, row: int) -> None:
        profiles = self._copy.profiles
        endpoint_id = profiles[row].id if 0 <= row < len(profiles) else ""
        for button in (self.duplicate_button, self.remove_button, self.up_button, self.down_button):
            button.setEnabled(bool(endpoint_id))
        self.current_changed.emit(endpoint_id)

    # -- the buttons -------------------------------------------------------------

    def _add(self, profile: EndpointProfile, *, custom: bool = False) -> None:
        self.fill(select=self._copy.add(profile))
        self.endpoint_added.emit(custom)

    def _add_preset(self, preset: Preset) -> None:
        self._add(preset.to_profile())

    def _add_custom(self) -> None:
        ids = [p.id for p in self._copy.profiles]
        profile = EndpointProfile(
            id=new_profile_id("custom", ids),
            # TRANSLATORS: the name a new custom endpoint gets until the user renames it.
            name=_("Custom server"),
            base_url="http://127.0.0.1:8080/v1",
            key_required=False,
        )
        self._add(profile, custom=True)

    def _duplicate(self) -> None:
        row = self.current_row()
        if 0 <= row < len(self._copy.profiles):
            self.fill(select=self._copy.duplicate(row))
            self.endpoint_added.emit(False)

    def _remove(self) -> None:
        row = self.current_row()
        if 0 <= row < len(self._copy.profiles):
            self._copy.remove(row)
            profiles = self._copy.profiles
            self.fill(select=profiles[max(row - 1, 0)].id if profiles else None)

    def _move(self, step: int) -> None:
        row = self.current_row()
        if self._copy.move(row, step):
            self.fill(select=self._copy.profiles[row + step].id)
