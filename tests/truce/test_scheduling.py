"""The scheduling recipes are real files that say what the README says."""

import ast
import subprocess

import yaml

from analysis import config

ROOT = config.PROJ_ROOT


def test_workflow_refreshes_builds_and_uploads_on_a_schedule():
    workflow = yaml.safe_load((ROOT / ".github/workflows/reports.yml").read_text())
    assert workflow[True]["schedule"][0]["cron"] == "15 6 * * 1"  # YAML reads the key `on` as True
    steps = workflow["jobs"]["build"]["steps"]
    runs = " ".join(step.get("run", "") for step in steps)
    assert "scheduling/run-scheduled.sh" in runs
    assert any(step.get("uses", "").startswith("actions/upload-pages-artifact") for step in steps)
    env = next(step["env"] for step in steps if "env" in step)
    assert env["USDA_FAS_API_KEY"] == "${{ secrets.USDA_FAS_API_KEY }}"


def test_airflow_example_uses_papermill_with_the_project_kernel_for_every_report():
    source = (ROOT / "scheduling/airflow_truce_dag.py").read_text()
    tree = ast.parse(source)
    reports = next(node.value for node in ast.walk(tree)
                   if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "REPORTS")
    assert {elt.value for elt in reports.elts} >= {"purchases"}
    assert "PapermillOperator(" in source and 'kernel_name="truce-monitor"' in source


def test_scheduled_script_is_valid_bash_and_documents_its_exit_codes():
    script = ROOT / "scheduling/run-scheduled.sh"
    assert subprocess.run(["bash", "-n", str(script)]).returncode == 0
    text = script.read_text()
    assert "0|3)" in text and "truce refresh" in text and "truce build" in text


def test_crontab_line_has_five_time_fields_and_calls_the_script():
    line = next(l for l in (ROOT / "scheduling/crontab").read_text().splitlines() if l and not l.startswith("#"))
    fields = line.split()
    assert len(fields) > 5 and all(f.replace("*", "").replace("/", "").isdigit() or f == "*" for f in fields[:5])
    assert "run-scheduled.sh" in line


def test_every_scheduled_recipe_has_a_deadline():
    workflow = yaml.safe_load((ROOT / ".github/workflows/reports.yml").read_text())
    assert all(job.get("timeout-minutes") for job in workflow["jobs"].values())
    script = (ROOT / "scheduling/run-scheduled.sh").read_text()
    assert "timeout 15m .venv/bin/truce refresh" in script and "timeout 45m .venv/bin/truce build" in script
    dag = (ROOT / "scheduling/airflow_truce_dag.py").read_text()
    assert "execution_timeout" in dag and "dagrun_timeout" in dag
