"""The manifest describes only what is published; the index escapes everything it shows."""

import json

from truce.publish import manifest


def test_updated_keeps_published_reports_and_replaces_rebuilt_ones(tmp_path):
    (tmp_path / "a.html").write_text("x")
    (tmp_path / "b.html").write_text("x")
    old = {"reports": {"a": {"as_of": "2026-01-01"}, "gone": {"as_of": "2026-02-01"}}}
    new = manifest.updated(old, {"b": {"as_of": "2026-03-01"}}, tmp_path)
    assert list(new["reports"]) == ["a", "b"]  # "gone" has no HTML any more
    assert new["data_as_of"] == "2026-03-01"
    assert "built_at" in new


def test_a_corrupt_manifest_is_not_trusted(tmp_path):
    (tmp_path / "manifest.json").write_text("{not json")
    assert manifest.load(tmp_path) == {"reports": {}}
    (tmp_path / "manifest.json").write_text(json.dumps({"reports": []}))
    assert manifest.load(tmp_path) == {"reports": {}}


def test_dumps_is_stable():
    assert manifest.dumps({"b": 1, "a": {"d": 2, "c": 3}}) == manifest.dumps({"a": {"c": 3, "d": 2}, "b": 1})


def test_index_lists_reports_with_provenance_and_escapes_text():
    site = {"reports": {"purchases": {
        "title": "Soy <b>tracker</b>", "summary": "<script>alert(1)</script>", "as_of": "2026-05-20",
        "parameters": {"method": "linear"}, "data_version": "abc123", "commit": "deadbeef", "vintage": None}}}
    page = manifest.index_html(site)
    assert "<script>alert" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "Soy &lt;b&gt;tracker&lt;/b&gt;" in page
    for text in ('href="purchases.html"', 'href="purchases.ipynb"', "2026-05-20", "abc123", "deadbeef",
                 "method = &#x27;linear&#x27;"):
        assert text in page
    assert "http" not in page  # nothing to fetch


def test_empty_index_says_so():
    assert "No reports have been published yet." in manifest.index_html({"reports": {}})
