"""The Preferences page, generated from the schema: one editor per declared setting.

Each setting's kind picks the editor (a check box, a number, a choice), its
title labels it and its description becomes the tooltip and the note under it,
so a preference added to :data:`~kimi_desktop.settings.schema.SETTINGS` shows
up here with nothing else to write.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QLabel,
    QSizePolicy,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from kimi_desktop.i18n import _
from kimi_desktop.settings.schema import SETTINGS, Preferences
from kimi_desktop.ui.spin_boxes import indented

_KEYS_IN_FILE = "store_keys_in_file"


class PreferencesPage(QWidget):
    """Editors for every preference, showing ``current`` until the user changes them.

    Signals:
        keys_in_file_toggled(bool in_file): the "store API keys in a file" opt-in changed.
    """

    keys_in_file_toggled = Signal(bool)

    def __init__(self, current: Preferences, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._editors: dict[str, QWidget] = {}
        form = QFormLayout(self)
        section = None
        for spec in SETTINGS:
            if spec.section != section:
                section = spec.section
                section_title = _(section)
                heading = QLabel(f"<b>{section_title}</b>", self)
                heading.setObjectName(f"preferenceSection_{section}")
                form.addRow(heading)
            value = getattr(current, spec.name)
            title, description = _(spec.title), _(spec.description)
            editor: QWidget
            if spec.kind == "bool":
                box = QCheckBox(title, self)
                box.setChecked(bool(value))
                editor, label = box, ""
            elif spec.kind == "int":
                spin = indented(QSpinBox(self))
                spin.setRange(spec.minimum or 0, spec.maximum or 999)
                spin.setValue(int(value))
                editor, label = spin, title
            else:
                combo = QComboBox(self)
                for choice, choice_title in spec.choices:
                    combo.addItem(_(choice_title), choice)
                combo.setCurrentIndex(combo.findData(value))
                editor, label = combo, title
            if not isinstance(editor, QCheckBox):  # a number or a choice needs no full width
                editor.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
            editor.setObjectName(f"preference_{spec.name}")
            editor.setToolTip(description)
            editor.setAccessibleName(title)
            editor.setAccessibleDescription(description)
            self._editors[spec.name] = editor
            note = QLabel(description, self)
            note.setObjectName(f"preferenceNote_{spec.name}")
            note.setWordWrap(True)
            note.setEnabled(False)  # drawn in the muted colour
            note.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
            cell = QVBoxLayout()  # the editor and its note, close together
            cell.setContentsMargins(0, 0, 0, 0)
            cell.setSpacing(4)
            cell.addWidget(editor)
            cell.addWidget(note)
            # WORKAROUND: Qt 6.11's QFormLayout sizes a row without a label to at least its
            # field's plain size hint, ignoring the height for its width: a wrapped note
            # then claims a line or two it does not use. An empty label makes the row
            # follow its width (QFormLayoutPrivate::setupHfwLayoutData; no upstream report
            # found).
            form.addRow(label or QLabel(self), cell)
        in_file = self._keys_in_file_box()
        if in_file is not None:
            in_file.toggled.connect(self.keys_in_file_toggled)

    def preferences(self) -> Preferences:
        """The preferences as the editors show them now."""
        values: dict[str, object] = {}
        for name, editor in self._editors.items():
            if isinstance(editor, QCheckBox):
                values[name] = editor.isChecked()
            elif isinstance(editor, QSpinBox):
                values[name] = editor.value()
            elif isinstance(editor, QComboBox):
                values[name] = editor.currentData()
        return Preferences.from_dict(values)[0]

    def keys_in_file(self) -> bool:
        """Whether the "store API keys in a file" opt-in is ticked."""
        box = self._keys_in_file_box()
        return box is not None and box.isChecked()

    def set_keys_in_file(self, in_file: bool) -> None:
        """Tick or clear the opt-in (the endpoint form offers the same choice)."""
        box = self._keys_in_file_box()
        if box is not None:
            box.setChecked(in_file)

    def _keys_in_file_box(self) -> QCheckBox | None:
        box = self._editors.get(_KEYS_IN_FILE)
        return box if isinstance(box, QCheckBox) else None
