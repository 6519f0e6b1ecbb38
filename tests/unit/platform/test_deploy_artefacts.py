"""The deploy files, checked without Docker or a cluster: Kubernetes manifests against
the API's schemas (kubernetes-validate), the compose file and the CI workflow against
the schemas check-jsonschema ships, and what each must promise the operator."""

import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml
from check_jsonschema.cli.main_command import main as check_jsonschema

from taskhub.platform.settings import load_settings

ROOT = Path(__file__).resolve().parents[3]
DEPLOY = ROOT / "deploy"
KUBERNETES_VERSION = "1.37.0"


def manifests() -> list[tuple[str, dict[str, Any]]]:
    return [
        (path.name, document)
        for path in sorted((DEPLOY / "kubernetes").glob("*.yaml"))
        for document in yaml.safe_load_all(path.read_text())
        if document
    ]


def of_kind(kind: str) -> dict[str, dict[str, Any]]:
    return {d["metadata"]["name"]: d for _f, d in manifests() if d["kind"] == kind}


@pytest.mark.parametrize(
    "document", [d for _f, d in manifests()], ids=[f"{f}:{d['kind']}" for f, d in manifests()]
)
def test_every_manifest_matches_the_kubernetes_schema(document: dict[str, Any]) -> None:
    kubernetes_validate.validate(document, KUBERNETES_VERSION, strict=True)


def test_the_schema_check_refuses_what_kubernetes_would() -> None:
    (deployment,) = [d for d in of_kind("Deployment").values() if "worker" in d["metadata"]["name"]]
    container = deployment["spec"]["template"]["spec"]["containers"][0]
    broken = {**container, "livenessProbe": {"httpGet": {"path": "/metrics"}}}  # no port
    bad = yaml.safe_load(yaml.safe_dump(deployment))
    bad["spec"]["template"]["spec"]["containers"] = [broken]
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(bad, KUBERNETES_VERSION, strict=True)


def test_every_process_has_probes() -> None:
    deployments = of_kind("Deployment")
    assert set(deployments) == {"taskhub-web", "taskhub-worker"}
    for deployment in deployments.values():
        for container in deployment["spec"]["template"]["spec"]["containers"]:
            assert {"livenessProbe", "readinessProbe", "startupProbe"} <= set(container)
    web = deployments["taskhub-web"]["spec"]["template"]["spec"]["containers"][0]
    assert web["livenessProbe"]["httpGet"]["path"] == "/health/live"
    assert web["readinessProbe"]["httpGet"]["path"] == "/health/ready"
    worker = deployments["taskhub-worker"]["spec"]["template"]["spec"]["containers"][0]
    assert worker["livenessProbe"]["httpGet"]["port"] == "metrics"
    ports = {p["name"]: p["containerPort"] for p in worker["ports"]}
    env = {e["name"]: e["value"] for e in worker["env"]}
    assert env["TASKHUB_WORKER_METRICS_BIND"] == f"0.0.0.0:{ports['metrics']}"


def test_autoscalers_budgets_and_policies_cover_both_deployments() -> None:
    deployments = of_kind("Deployment")
    autoscaled = {
        h["spec"]["scaleTargetRef"]["name"] for h in of_kind("HorizontalPodAutoscaler").values()
    }
    assert autoscaled == set(deployments)
    for kind in ("PodDisruptionBudget", "NetworkPolicy"):
        selected = [
            d["spec"].get("selector", d["spec"].get("podSelector"))["matchLabels"]
            for d in of_kind(kind).values()
        ]
        for deployment in deployments.values():
            labels = deployment["spec"]["template"]["metadata"]["labels"]
            assert any(s.items() <= labels.items() for s in selected), (kind, labels)


def test_the_migration_job_runs_taskhub_migrate() -> None:
    (job,) = of_kind("Job").values()
    assert job["spec"]["template"]["spec"]["containers"][0]["command"] == ["taskhub", "migrate"]


def test_the_sample_secret_is_long_enough_to_start() -> None:
    (secret,) = of_kind("Secret").values()
    config = of_kind("ConfigMap")["taskhub-config"]["data"]
    settings = load_settings({**config, **secret["stringData"]})
    assert settings.secret_key is not None
    assert not settings.is_sqlite
    assert settings.redis_url, "the web Deployment runs --workers 2, which needs Redis"


def test_pods_run_as_the_image_user_without_privileges() -> None:
    pods = [
        d["spec"]["template"]["spec"]
        for d in (*of_kind("Deployment").values(), *of_kind("Job").values())
    ]
    for pod in pods:
        assert pod["securityContext"]["runAsNonRoot"] is True
        assert pod["securityContext"]["runAsUser"] == 10001
        for container in pod["containers"]:
            assert container["securityContext"]["readOnlyRootFilesystem"] is True
            assert container["securityContext"]["allowPrivilegeEscalation"] is False


def _schema_check(schema: str, path: Path) -> None:
    with pytest.raises(SystemExit) as exited:
        check_jsonschema(["--builtin-schema", schema, str(path)])
    assert exited.value.code == 0, f"{path} does not match {schema}"


def test_the_compose_file_matches_the_compose_specification() -> None:
    _schema_check("vendor.compose-spec", DEPLOY / "docker-compose.yml")
    compose = yaml.safe_load((DEPLOY / "docker-compose.yml").read_text())
    services = compose["services"]
    assert {"postgres", "rabbitmq", "redis", "migrate", "web", "worker"} <= set(services)
    assert "9464" in services["worker"]["healthcheck"]["test"][-1]
    for name in ("web", "worker"):
        needs = services[name]["depends_on"]
        assert needs["migrate"]["condition"] == "service_completed_successfully"


@pytest.mark.skipif(shutil.which("docker") is None, reason="needs the docker command")
def test_docker_compose_reads_the_compose_file() -> None:
    probe = subprocess.run(["docker", "compose", "version"], capture_output=True, check=False)
    if probe.returncode != 0:
        pytest.skip("docker has no compose plugin")
    result = subprocess.run(
        ["docker", "compose", "-f", str(DEPLOY / "docker-compose.yml"), "config", "--quiet"],
        capture_output=True,
        text=True,
        check=False,
        env={"TASKHUB_SECRET_KEY": "x" * 40, "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 0, result.stderr


def test_the_ci_workflow_matches_the_workflow_syntax_and_runs_the_ci_steps() -> None:
    workflow_path = ROOT / ".github" / "workflows" / "ci.yml"
    _schema_check("vendor.github-workflows", workflow_path)
    workflow = yaml.safe_load(workflow_path.read_text())
    (job,) = workflow["jobs"].values()
    assert {"postgres", "redis", "rabbitmq"} <= set(job["services"])
    commands = "\n".join(step.get("run", "") for step in job["steps"])
    ci_run = (ROOT / ".ci" / "run").read_text()
    for step in re.findall(r"^\.venv/bin/([^|\n]+?)(?: \|\|.*)?$", ci_run, re.MULTILINE):
        assert f".venv/bin/{step}" in commands, step


def test_the_image_is_multi_stage_pinned_non_root_and_keeps_its_data_in_a_volume() -> None:
    dockerfile = (DEPLOY / "Dockerfile").read_text()
    stages = re.findall(r"^FROM (\S+)", dockerfile, re.MULTILINE)
    assert len(stages) >= 2
    (base,) = re.findall(r"^ARG PYTHON_IMAGE=(\S+)$", dockerfile, re.MULTILINE)
    assert re.fullmatch(r"python:\d+\.\d+\.\d+-\S+|python[^@]*@sha256:[0-9a-f]{64}", base)
    assert "-c constraints.txt" in dockerfile
    (user,) = re.findall(r"^USER (\S+)$", dockerfile, re.MULTILINE)
    assert user.split(":")[0] not in ("0", "root")
    assert 'VOLUME ["/data"]' in dockerfile
    assert "TASKHUB_DATABASE_URL=sqlite:////data/taskhub.db" in dockerfile
    ignored = (DEPLOY / "Dockerfile.dockerignore").read_text()
    assert "!constraints.txt" in ignored
