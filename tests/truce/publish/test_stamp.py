"""The provenance stamp: stable data versions, exact rebuild commands, escaped values."""

from truce.publish import stamp


def test_data_version_depends_on_names_and_bytes_not_folders(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir(), b.mkdir()
    for folder in (a, b):
        (folder / "x.csv").write_text("1\n")
        (folder / "y.csv").write_text("2\n")
    same = stamp.data_version([a / "x.csv", a / "y.csv"])
    assert same == stamp.data_version([b / "y.csv", b / "x.csv"])  # order and folder do not matter
    (b / "y.csv").write_text("3\n")
    assert stamp.data_version([b / "x.csv", b / "y.csv"]) != same
    assert len(same) == 12


def make(**overrides):
    values = dict(report="purchases", as_of="2026-05-20", data_version="abc", commit="1234567890ab",
                  parameters={"method": "linear"}, defaults={"as_of": "today", "method": "seasonal"},
                  inputs=["data/soybeans.csv"], compiled="2026-05-21", evidence_through="2026-05-14",
                  series=[{"label": "Events ledger", "through": "2026-05-14", "stale": False},
                          {"label": "USDA export sales", "through": "2026-01-08", "stale": True}])
    values.update(overrides)
    return stamp.Stamp(**values)


def test_rebuild_commands_pin_the_resolved_as_of_and_compiled_dates():
    s = make()
    assert s.truce_command() == "truce build purchases --compiled 2026-05-21 -p method linear -p as_of 2026-05-20"
    assert s.papermill_command() == ("TRUCE_COMPILED=2026-05-21 papermill notebooks/purchases.ipynb purchases.ipynb "
                                     "-k truce-monitor -p method linear -p as_of 2026-05-20")


def test_header_names_the_three_dates_and_the_stale_series():
    html = make().header_html()
    assert ("As of <strong>2026-05-20</strong> · evidence through <strong>2026-05-14</strong> · "
            "compiled <strong>2026-05-21</strong> · stale: USDA export sales") in html
    assert "no dated evidence yet" in make(evidence_through=None, series=[]).header_html()


def test_vintage_builds_name_their_data_folder():
    s = make(vintage="2026-10-01", parameters={})
    assert s.truce_command() == "truce build purchases --compiled 2026-05-21 --vintage 2026-10-01 -p as_of 2026-05-20"
    assert s.papermill_command().startswith("TRUCE_COMPILED=2026-05-21 TRUCE_DATA_DIR=data/vintages/2026-10-01/data "
                                            "papermill ")
    assert "vintage <strong>2026-10-01</strong>" in s.header_html()


def test_values_with_spaces_are_quoted_for_the_shell():
    s = make(parameters={"method": "two words"})
    assert "-p method 'two words'" in s.truce_command()


def test_header_marks_changed_parameters_and_escapes_values():
    html = make(parameters={"method": "<script>alert(1)</script>"}).header_html()
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<em>(set for this run)</em>" in html
    assert "as_of = &#x27;today&#x27;</code>;" in html  # defaults shown, not marked


def test_footer_has_both_commands_and_the_inputs():
    html = make(commit="1234567890ab-dirty").footer_html()
    assert "git checkout 1234567890ab" in html and "dirty" not in html.split("git checkout")[1].split("<")[0]
    assert "truce build purchases" in html and "papermill notebooks/purchases.ipynb" in html
    assert "Data files read: soybeans.csv." in html  # names only: the folder differs between vintages


def test_git_commit_is_a_short_hash():
    commit = stamp.git_commit()
    assert commit == "unknown" or len(commit.removesuffix("-dirty")) == 12


def test_matching_vintage_picks_the_newest_identical_snapshot(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    (data / "x.csv").write_text("1\n")
    root = data / "vintages"
    for day, content in [("2026-01-01", "1\n"), ("2026-02-01", "1\n"), ("2026-03-01", "2\n")]:
        (root / day / "data").mkdir(parents=True)
        (root / day / "data" / "x.csv").write_text(content)
    assert stamp.matching_vintage([data / "x.csv"], root) == "2026-02-01"
    (data / "x.csv").write_text("3\n")
    assert stamp.matching_vintage([data / "x.csv"], root) is None
    assert stamp.matching_vintage([data / "x.csv"], tmp_path / "none") is None


def test_an_as_of_resolved_from_today_is_not_called_set_for_this_run():
    html = make(parameters={"as_of": "2026-05-21"}).header_html()  # the compiled date: today, resolved
    assert "as_of = &#x27;2026-05-21&#x27;</code> <em>(the default, today, as resolved by the build)</em>" in html
    assert "(set for this run)" in make(parameters={"as_of": "2026-01-31"}).header_html()
