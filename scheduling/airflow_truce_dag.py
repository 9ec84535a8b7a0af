"""Airflow example: refresh the data, then execute each report notebook with PapermillOperator.

For teams that already run Airflow. Copy into the DAGs folder and set TRUCE_HOME to the
project checkout (with `make setup` done, so the `truce-monitor` kernel exists). The
papermill tasks produce executed notebooks; the last task publishes the HTML site.
"""

import os
from datetime import datetime, timedelta

from airflow import DAG
from airflow.operators.bash import BashOperator
from airflow.providers.papermill.operators.papermill import PapermillOperator

TRUCE_HOME = os.environ.get("TRUCE_HOME", "/srv/truce-monitor")
REPORTS = ["purchases", "tariffs", "rare_earths", "history", "durability"]

with DAG(
    dag_id="truce_monitor",
    schedule="15 6 * * 1",
    start_date=datetime(2026, 1, 5),
    catchup=False,
    tags=["reports"],
    # Every task has a deadline, so a stuck run fails instead of holding a worker slot forever.
    default_args={"execution_timeout": timedelta(minutes=20)},
    dagrun_timeout=timedelta(minutes=60),
) as dag:
    # Exit 3 means the APIs were unreachable: carry on with the last good data.
    refresh = BashOperator(
        task_id="refresh",
        bash_command=f"cd {TRUCE_HOME} && (.venv/bin/truce refresh || [ $? -eq 3 ])",
    )
    notebooks = [
        PapermillOperator(
            task_id=f"run_{name}",
            input_nb=f"{TRUCE_HOME}/notebooks/{name}.ipynb",
            output_nb=f"{TRUCE_HOME}/reports/_airflow/{name}-{{{{ ds }}}}.ipynb",
            parameters={"as_of": "{{ ds }}"},
            kernel_name="truce-monitor",
            execution_timeout=timedelta(minutes=15),
        )
        for name in REPORTS
    ]
    publish = BashOperator(
        task_id="publish_site",
        bash_command=f"cd {TRUCE_HOME} && .venv/bin/truce build -p as_of {{{{ ds }}}}",
    )
    refresh >> notebooks >> publish
