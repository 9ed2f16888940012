"""Subtitles and the narration script of a played lesson: one cue per step at the player's
pace, in SubRip and WebVTT, with the numbers the step shows."""

from engine.files.lesson import lesson_from_document
from engine.files.lesson_player import LessonPlayer
from engine.files.lesson_subtitles import Cue, lesson_cues, narration_script, srt, webvtt

LESSON = lesson_from_document({
    "app": "backprop-playground", "kind": "lesson", "format": 1, "title": "Two steps",
    "steps": [{"title": "Sum", "caption": "z = **{{ value linear_output }}**\n\n- then ReLU",
               "start": {"scenario": "neuron"}, "actions": [{"do": "step"}], "hold": 2.25},
              {"caption": "dl/dw0 = {{ gradient weights[0] }}", "delay": 1, "hold": 599,
               "task": {"text": "Make it negative.", "hint": "x0 to -1.0",
                        "check": {"quantity": "gradient weights[0]", "compare": "<",
                                  "threshold": 0, "may_change": ["inputs"]}}}]})


def played_steps():
    player = LessonPlayer(LESSON)
    return [player.play(number) for number in range(len(player))]


def test_each_step_is_a_cue_as_long_as_the_step_with_its_numbers():
    cues = lesson_cues(played_steps(), start=0.5)
    assert cues == [Cue(0.5, 2.75, "z = 6.0\n\n- then ReLU"),
                    Cue(2.75, 602.75, "dl/dw0 = 12.0\n\nYour turn: Make it negative.")]


def test_subrip_and_webvtt_number_and_time_the_cues_without_blank_lines_inside():
    cues = lesson_cues(played_steps())
    assert srt(cues) == ("1\n00:00:00,000 --> 00:00:02,250\nz = 6.0\n- then ReLU\n\n"
                         "2\n00:00:02,250 --> 00:10:02,250\ndl/dw0 = 12.0\n"
                         "Your turn: Make it negative.\n")
    assert webvtt(cues) == ("WEBVTT\n\n00:00:00.000 --> 00:00:02.250\nz = 6.0\n- then ReLU\n\n"
                            "00:00:02.250 --> 00:10:02.250\ndl/dw0 = 12.0\n"
                            "Your turn: Make it negative.\n")


def test_the_narration_script_reads_each_step_with_its_time():
    assert narration_script(LESSON.title, played_steps()) == (
        "Two steps\n=========\n\n"
        "Step 1 of 2: Sum (00:00:00, 2.25 s)\n\nz = 6.0\n\n- then ReLU\n\n"
        "Step 2 of 2 (00:00:02, 600 s)\n\ndl/dw0 = 12.0\n\nYour turn: Make it negative.\n")
