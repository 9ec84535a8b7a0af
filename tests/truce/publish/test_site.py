"""The published site end to end: reproducible bytes, manifest, index, safe failure, escaping."""

import hashlib
import json
import shutil
import signal
import time

import pytest

from analysis import config
from support import failing_purchases_notebook, truce_process



def truce(*args, env=None):
    proc = truce_process(*args, env=env)
    out, err = proc.communicate(timeout=600)
    return proc.returncode, out, err


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """Two independent builds of the same report with the same inputs."""
    first, second = tmp_path_factory.mktemp("site1"), tmp_path_factory.mktemp("site2")
    for out in (first, second):
        code, _, err = truce("build", "purchases", "-p", "method", "linear", "--out", out)
        assert code == 0, err
    return first, second


def sha(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_same_inputs_give_byte_identical_reports(site):
    first, second = site
    for name in ("purchases.html", "purchases.ipynb", "index.html"):
        assert (first / name).read_bytes() == (second / name).read_bytes(), name


def test_manifest_records_checksums_parameters_and_inputs(site):
    out = site[0]
    entry = json.loads((out / "manifest.json").read_text())["reports"]["purchases"]
    # The default as_of ("today") is pinned to the build date, so the entry names the day it is as of.
    assert entry["parameters"] == {"method": "linear", "as_of": entry["as_of"]}
    assert len(entry["as_of"]) == 10 and entry["compiled"] == entry["as_of"]
    assert entry["evidence_through"] <= entry["as_of"]
    for rel, digest in entry["outputs"].items():
        assert sha(out / rel) == digest, rel
    assert {i["path"] for i in entry["inputs"]} == {"data/soybeans.csv", "data/commitments.csv", "data/sources.csv"}
    for item in entry["inputs"]:
        assert sha(config.PROJ_ROOT / item["path"]) == item["sha256"]
    assert len(entry["data_version"]) == 12 and entry["commit"]


def test_build_time_appears_only_in_the_manifest(site):
    out = site[0]
    built_at = json.loads((out / "manifest.json").read_text())["built_at"]
    day_and_hour = built_at[:13]
    for name in ("purchases.html", "purchases.ipynb", "index.html"):
        assert day_and_hour not in (out / name).read_text(encoding="utf-8"), name


def test_report_carries_stamp_and_reproduce_commands(site):
    page = (site[0] / "purchases.html").read_text(encoding="utf-8")
    assert 'class="truce-stamp"' in page and "Data version" in page
    assert "truce build purchases --compiled " in page and " -p method linear -p as_of " in page
    assert "papermill notebooks/purchases.ipynb purchases.ipynb -k truce-monitor -p method linear" in page
    assert "<em>(set for this run)</em>" in page


def test_index_links_every_published_report(site):
    index = (site[0] / "index.html").read_text(encoding="utf-8")
    assert 'href="purchases.html"' in index and 'href="purchases.ipynb"' in index
    assert "China&#x27;s soybean purchase commitment tracker" in index


def test_every_chart_has_svg_png_and_csv(site):
    out = site[0]
    entry = json.loads((out / "manifest.json").read_text())["reports"]["purchases"]
    assert entry["figures"] >= 2
    for n in range(1, entry["figures"] + 1):
        for kind in ("svg", "png", "csv"):
            assert (out / "figures" / "purchases" / f"fig-{n}.{kind}").stat().st_size > 0


def published_copy(site, tmp_path):
    out = tmp_path / "out"
    shutil.copytree(site[0], out)
    return out, {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()}


def test_failed_build_keeps_every_published_file_and_shows_the_error(site, tmp_path):
    out, before = published_copy(site, tmp_path)
    # Passes the checks made before the run, fails inside the notebook (the pledge postdates as_of).
    code, _, err = truce("build", "purchases", "--out", out, env=failing_purchases_notebook(tmp_path / "notebooks"))
    assert code == 1 and "FAILED" in err
    for rel, data in before.items():
        if rel != "manifest.json":
            assert (out / rel).read_bytes() == data, rel
    assert "purchases" in json.loads((out / "manifest.json").read_text())["reports"]
    failed_page = (out / "_failed" / "purchases.html").read_text(encoding="utf-8")
    assert "ParameterError" in failed_page and "purchases.compute(" in failed_page  # code shown for debugging
    assert (out / "_failed" / "purchases.ipynb").exists()


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGINT])
def test_interrupted_build_leaves_the_published_report_intact(site, tmp_path, sig):
    out, before = published_copy(site, tmp_path)
    proc = truce_process("build", "purchases", "-p", "method", "seasonal", "--out", out)
    time.sleep(3)  # the kernel is starting or running by now
    proc.send_signal(sig)
    proc.communicate(timeout=120)
    assert proc.returncode != 0
    assert (out / "purchases.html").read_bytes() == before["purchases.html"]
    assert (out / "purchases.ipynb").read_bytes() == before["purchases.ipynb"]
    html_files = sorted(p.name for p in out.glob("*.html"))
    assert html_files == ["index.html", "purchases.html"]


def test_next_build_sweeps_temporaries_a_killed_build_left(tmp_path):
    from truce.build.engine import remove_stale_temporaries

    (tmp_path / "figures").mkdir()
    leftovers = [tmp_path / ".purchases.html.abc.tmp", tmp_path / "figures" / ".fig-1.svg.x.tmp"]
    for path in leftovers:
        path.write_text("half")
    (tmp_path / "purchases.html").write_text("published")
    remove_stale_temporaries(tmp_path)
    assert not any(p.exists() for p in leftovers)
    assert (tmp_path / "purchases.html").read_text() == "published"


def test_text_from_data_files_is_escaped(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(config.DEFAULT_DATA_DIR, data)
    sources = (data / "sources.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    import pandas as pd

    commitments = pd.read_csv(data / "commitments.csv").set_index("commitment_id")
    cited = commitments.loc["soy-12mmt", "source_id"]  # the report always cites the commitment it measures
    victim = next(line for line in sources[1:] if line.split(",")[0] == cited)
    source_id, publisher = victim.split(",")[:2]
    sources[sources.index(victim)] = victim.replace(f"{source_id},{publisher},", f"{source_id},<script>alert('x')</script>,", 1)
    (data / "sources.csv").write_text("".join(sources), encoding="utf-8")
    out = tmp_path / "out"
    code, _, err = truce("build", "purchases", "-p", "commitment", "soy-12mmt", "-p", "as_of", "2026-01-31",
                         "--out", out, env={"TRUCE_DATA_DIR": str(data)})
    assert code == 0, err
    page = (out / "purchases.html").read_text(encoding="utf-8")
    assert "<script>alert('x')</script>" not in page
    assert "&lt;script&gt;alert(" in page  # shown as text (quotes may be re-serialised)
