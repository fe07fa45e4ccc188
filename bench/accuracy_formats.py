"""Render provider settings as realistic files of many languages and config formats.

A renderer returns lines as (text, secrets on that line) pairs so the generator knows which
line holds which planted secret.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable

from accuracy_providers import Provider, Setting

Line = tuple[str, tuple[str, ...]]
Renderer = Callable[[random.Random, str, list[Setting], Provider], list[Line]]


def camel(name: str) -> str:
    head, *rest = name.lower().split("_")
    return head + "".join(p.capitalize() for p in rest)


def plain(lines: list[str]) -> list[Line]:
    return [(line, ()) for line in lines]


def _assign(settings: list[Setting], fmt: Callable[[str, str], str]) -> list[Line]:
    return [(fmt(name, value), (value,) if secret else ()) for name, value, secret in settings]


def python(rng: random.Random, svc: str, settings: list[Setting], provider: Provider) -> list[Line]:
    head = plain([f'"""{svc.title()} client settings and a small helper around its API."""', "",
                  "import logging", "import os", "", "logger = logging.getLogger(__name__)", "",
                  f"REQUEST_TIMEOUT = {rng.choice([5, 10, 30])}", f'USER_AGENT = "{svc}-sync/1.{rng.randint(0, 9)}"', ""])  # fmt: skip
    if provider.sdk and rng.random() < 0.5:
        values = [v for _, v, s in settings if s] or [v for _, v, _ in settings]
        call = provider.sdk.format(*values, *values)
        body = [(f"client = {call}", tuple(v for _, v, s in settings if s))]
    elif rng.random() < 0.5:
        body = [("class Settings:", ()), *_assign(settings, lambda n, v: f'    {n.lower()} = "{v}"')]
    else:
        body = _assign(settings, lambda n, v: f'{n} = "{v}"')
    tail = plain(["", "", "def fetch(path: str) -> dict:", '    """GET a resource, logging slow calls."""',
                  f'    logger.debug("fetching %s from {svc}", path)', "    return {}", ""])  # fmt: skip
    return head + body + tail


def javascript(rng: random.Random, svc: str, settings: list[Setting], provider: Provider) -> list[Line]:
    head = plain([f"// {svc} integration", "import axios from 'axios';", "",
                  f"const BASE_URL = 'https://api.{svc}.example.net/v2';", ""])  # fmt: skip
    if provider.name == "kraken" or rng.random() < 0.5:
        body = [("export const config = {", ())]
        body += _assign(settings, lambda n, v: f"  {camel(n)}: '{v}',")
        body.append(("};", ()))
    else:
        body = _assign(settings, lambda n, v: f'const {camel(n)} = "{v}";')
    tail = plain(["", "export async function get(path) {", "  const res = await axios.get(`${BASE_URL}${path}`);",
                  "  return res.data;", "}", ""])  # fmt: skip
    return head + body + tail


def typescript(rng: random.Random, svc: str, settings: list[Setting], provider: Provider) -> list[Line]:
    head = plain(
        [f"// Typed settings for {svc}.", "export interface Settings {", "  timeoutMs: number;", "}", ""]
    )
    body = _assign(settings, lambda n, v: f"export const {n}: string = '{v}';")
    return head + body + plain(["", "export const settings: Settings = { timeoutMs: 5000 };", ""])


def golang(rng: random.Random, svc: str, settings: list[Setting], provider: Provider) -> list[Line]:
    head = plain(["package config", "", 'import "time"', "", "const (", "\tTimeout = 10 * time.Second"])
    body = _assign(settings, lambda n, v: f'\t{camel(n)} = "{v}"')
    return (
        head
        + body
        + plain([")", "", "// Client talks to " + svc + ".", "type Client struct{ base string }", ""])
    )


def java(rng: random.Random, svc: str, settings: list[Setting], provider: Provider) -> list[Line]:
    cls = svc.title().replace("-", "") + "Config"
    head = plain(["package com.acme.integrations;", "", "import java.time.Duration;", "",
                  f"public final class {cls} {{", "    public static final Duration TIMEOUT = Duration.ofSeconds(10);"])  # fmt: skip
    body = _assign(settings, lambda n, v: f'    private static final String {n} = "{v}";')
    return head + body + plain(["", f"    private {cls}() {{}}", "}", ""])


def ruby(rng: random.Random, svc: str, settings: list[Setting], provider: Provider) -> list[Line]:
    head = plain(
        ["# frozen_string_literal: true", "", f"module {svc.title().replace('-', '')}", "  class Config"]
    )
    body = _assign(settings, lambda n, v: f"    {n} = '{v}'")
    return head + body + plain(["", "    def self.timeout", "      10", "    end", "  end", "end", ""])


def yaml(rng: random.Random, svc: str, settings: list[Setting], provider: Provider) -> list[Line]:
    head = plain(
        ["# deploy settings", "app:", f"  name: {svc}-worker", "  replicas: 2", "integrations:", f"  {svc}:"]
    )
    quote = rng.choice(['"', "'", ""])
    body = _assign(settings, lambda n, v: f"    {n.lower()}: {quote}{v}{quote}")
    return head + body + plain(["    timeout: 30", "logging:", "  level: info", ""])


def json_file(rng: random.Random, svc: str, settings: list[Setting], provider: Provider) -> list[Line]:
    head = plain(["{", f'  "service": "{svc}",', '  "retries": 3,', '  "credentials": {'])
    body = _assign(settings, lambda n, v: f"    {json.dumps(camel(n))}: {json.dumps(v)},")
    body[-1] = (body[-1][0].rstrip(","), body[-1][1])
    return head + body + plain(["  },", '  "debug": false', "}", ""])


def toml(rng: random.Random, svc: str, settings: list[Setting], provider: Provider) -> list[Line]:
    head = plain(["[app]", f'name = "{svc}"', "workers = 4", "", f"[{svc}]"])
    return head + _assign(settings, lambda n, v: f'{n.lower()} = "{v}"') + plain(["timeout = 30", ""])


def dotenv(rng: random.Random, svc: str, settings: list[Setting], provider: Provider) -> list[Line]:
    head = plain(["# local development settings", "APP_ENV=production", "LOG_LEVEL=info", "PORT=8080"])
    return head + _assign(settings, lambda n, v: f"{n}={v}") + plain([""])


def dockerfile(rng: random.Random, svc: str, settings: list[Setting], provider: Provider) -> list[Line]:
    head = plain(["FROM python:3.12-slim", "WORKDIR /app", "COPY requirements.txt .",
                  "RUN pip install --no-cache-dir -r requirements.txt"])  # fmt: skip
    body = _assign(settings, lambda n, v: f'ENV {n}="{v}"')
    return head + body + plain(["COPY . .", 'CMD ["python", "-m", "app"]', ""])


def shell(rng: random.Random, svc: str, settings: list[Setting], provider: Provider) -> list[Line]:
    head = plain(["#!/usr/bin/env bash", "set -euo pipefail", "", f"# deploy {svc} worker"])
    body = _assign(settings, lambda n, v: f"export {n}='{v}'")
    return head + body + plain(["", 'python -m worker --env "${APP_ENV:-prod}"', ""])


def terraform(rng: random.Random, svc: str, settings: list[Setting], provider: Provider) -> list[Line]:
    head = plain(["terraform {", '  required_version = ">= 1.5"', "}", "", "locals {"])
    body = _assign(settings, lambda n, v: f'  {n.lower()} = "{v}"')
    return (
        head
        + body
        + plain(["}", "", 'resource "null_resource" "deploy" {', "  triggers = { v = 1 }", "}", ""])
    )


def kubernetes(rng: random.Random, svc: str, settings: list[Setting], provider: Provider) -> list[Line]:
    head = plain(["apiVersion: v1", "kind: Secret", "metadata:", f"  name: {svc}-credentials",
                  "  namespace: prod", "type: Opaque", "stringData:"])  # fmt: skip
    return head + _assign(settings, lambda n, v: f'  {n}: "{v}"') + plain([""])


def notebook(rng: random.Random, svc: str, settings: list[Setting], provider: Provider) -> list[Line]:
    head = plain(["{", ' "cells": [', "  {", '   "cell_type": "code",', '   "execution_count": 1,',
                  '   "metadata": {},', '   "outputs": [],', '   "source": [',
                  f'    "import {svc.replace("-", "_")}\\n",'])  # fmt: skip
    body = _assign(settings, lambda n, v: "    " + json.dumps(f'{n} = "{v}"\n') + ",")
    return head + body + plain(['    "print(\'ready\')"', "   ]", "  }", " ],",
                                ' "metadata": {"kernelspec": {"name": "python3"}},', ' "nbformat": 4,',
                                ' "nbformat_minor": 5', "}", ""])  # fmt: skip


FORMATS: dict[str, tuple[str, Renderer]] = {
    "python": ("settings.py", python),
    "javascript": ("client.js", javascript),
    "typescript": ("config.ts", typescript),
    "go": ("config.go", golang),
    "java": ("Config.java", java),
    "ruby": ("config.rb", ruby),
    "yaml": ("config.yaml", yaml),
    "json": ("settings.json", json_file),
    "toml": ("config.toml", toml),
    "dotenv": (".env", dotenv),
    "dockerfile": ("Dockerfile", dockerfile),
    "shell": ("deploy.sh", shell),
    "terraform": ("main.tf", terraform),
    "kubernetes": ("secret.yaml", kubernetes),
    "notebook": ("explore.ipynb", notebook),
}
