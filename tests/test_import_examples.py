"""The shipped example exports are what the package's writers make, byte for byte, and each loads."""

from __future__ import annotations

import pytest

from influence_lab.datasets.importers import detect_format, examples, load_export


@pytest.mark.parametrize("name,writer", [("forum_export.csv", examples.write_forum_example),
                                         ("analytics_export.csv", examples.write_analytics_example)])
def test_the_csv_examples_rebuild_byte_for_byte(tmp_path, name, writer):
    rebuilt = writer(tmp_path / name)
    assert rebuilt.read_bytes() == examples.example_path(name).read_bytes(), f"rebuild {name} with write_examples()"


def test_every_example_is_detected_and_listed():
    formats = {name: detect_format(examples.example_path(name)) for name in examples.EXAMPLES}
    assert formats == {"forum_export.csv": "csv", "analytics_export.csv": "analytics",
                       "x_archive.zip": "x-archive", "mastodon_export.zip": "mastodon"}
    with pytest.raises(ValueError, match="unknown example"):
        examples.example_path("nope.csv")


def test_the_forum_example_needs_its_mapping_and_says_what_it_assumed():
    data = load_export(examples.example_path("forum_export.csv"),
                       columns={"timestamp": "when", "actor_id": "who", "target_id": "whom", "kind": "what",
                                "post_id": "post"},
                       kinds={"question": "post", "answer": "reply", "comment": "reply"},
                       timezone=examples.FORUM_ZONE, ambiguous_times="later")
    assert set(data.events["kind"].astype(str)) == {"post", "reply"}
    assert any("later of their two instants" in note for note in data.notes)
