"""The deployment's nginx site file, as the scale-out test and `ukbot bench --instances`
render it for their own instances."""

from __future__ import annotations

import pytest

from bench.proxy import SITE, render_site


def test_the_instances_replace_the_compose_services_and_keep_their_parameters() -> None:
    site = render_site(["127.0.0.1:8101", "127.0.0.1:8102", "127.0.0.1:8103"], "127.0.0.1:9000")
    upstream = site[site.index("upstream ukbot {") : site.index("}")]
    servers = [line.strip() for line in upstream.splitlines() if line.strip().startswith("server")]
    assert servers == [
        f"server 127.0.0.1:{port} max_fails=1 fail_timeout=5s;" for port in (8101, 8102, 8103)
    ]
    assert "listen 127.0.0.1:9000;" in site
    assert "bot1" not in site and "listen 8080;" not in site


def test_a_webhook_post_whose_instance_died_is_retried_on_another() -> None:
    text = SITE.read_text(encoding="utf-8")
    webhook = text[text.index("location = /telegram/webhook") :]
    webhook = webhook[: webhook.index("}")]
    retry = next(line for line in webhook.splitlines() if "proxy_next_upstream " in line)
    assert {"error", "timeout", "non_idempotent"} <= set(retry.replace(";", "").split())


def test_a_site_file_without_the_instances_is_refused() -> None:
    with pytest.raises(ValueError, match="upstream"):
        render_site(["127.0.0.1:1"], "127.0.0.1:2", site="server { listen 80; }")
