"""A choice box shows its whole choice, also after the text grew (presentation mode)."""

from PySide6.QtWidgets import QHBoxLayout, QLabel, QWidget

from gui.widgets.input_boxes import ChoiceBox
from tests.gui.text_fit import offenders, report


def test_a_choice_box_keeps_room_for_its_choice_when_the_font_grows(qtbot):
    row = QWidget()
    layout = QHBoxLayout(row)
    layout.addWidget(QLabel("Numerics"))
    box = ChoiceBox()
    box.addItems(["Book (float32)", "Native (float64)"])
    layout.addWidget(box)
    qtbot.addWidget(row)
    row.resize(10, 10)  # as narrow as its layout lets it be
    row.show()
    qtbot.waitExposed(row)
    assert offenders(row) == [], report(offenders(row))
    font = row.font()
    font.setPointSizeF(font.pointSizeF() * 1.25)
    row.setFont(font)
    row.resize(10, 10)
    qtbot.wait(20)
    assert offenders(row) == [], report(offenders(row))
