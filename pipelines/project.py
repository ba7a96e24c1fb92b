"""The dbt project as Dagster sees it (manifest location, profiles)."""

from dagster_dbt import DbtProject

from pipelines.settings import DBT_PROJECT_DIR

dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)
# Under `dagster dev` this runs `dbt parse`; tests, CI and `make run` run it beforehand.
dbt_project.prepare_if_dev()
