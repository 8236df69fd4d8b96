//! How each language spells the things the corpus writes: assignments of a literal, assignments
//! of an expression, reads from the environment, calls that take a key directly, comments, and
//! ordinary code around them.

use super::{spell, Case};
use crate::common::rng::Rng;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Python,
    JavaScript,
    TypeScript,
    Go,
    Java,
    CSharp,
    Ruby,
    Php,
    Rust,
    Shell,
    Yaml,
    Json,
    Properties,
    Ini,
    Toml,
    Dockerfile,
    Terraform,
    Markdown,
    EnvExample,
    Xml,
}

impl Lang {
    pub fn is_code(self) -> bool {
        matches!(
            self,
            Lang::Python
                | Lang::JavaScript
                | Lang::TypeScript
                | Lang::Go
                | Lang::Java
                | Lang::CSharp
                | Lang::Ruby
                | Lang::Php
                | Lang::Rust
        )
    }

    pub fn comment(self, text: &str) -> String {
        match self {
            Lang::Python
            | Lang::Ruby
            | Lang::Shell
            | Lang::Yaml
            | Lang::Properties
            | Lang::Toml
            | Lang::Dockerfile
            | Lang::Terraform
            | Lang::EnvExample => format!("# {text}"),
            Lang::Ini => format!("; {text}"),
            Lang::Markdown => text.to_string(),
            Lang::Xml => format!("<!-- {text} -->"),
            Lang::Json => format!("    \"_comment\": \"{text}\","),
            _ => format!("// {text}"),
        }
    }

    /// The spelling of an environment variable's name is always upper snake; a variable in code
    /// follows the language's habits.
    fn case(self, rng: &Rng) -> Case {
        let options: &[Case] = match self {
            Lang::Python => &[Case::UpperSnake, Case::Snake, Case::Snake],
            Lang::JavaScript | Lang::TypeScript => &[Case::Camel, Case::Camel, Case::UpperSnake],
            Lang::Go => &[Case::Camel, Case::Pascal],
            Lang::Java => &[Case::UpperSnake, Case::Camel],
            Lang::CSharp | Lang::Xml => &[Case::Pascal],
            Lang::Ruby => &[Case::UpperSnake, Case::Snake],
            Lang::Php => &[Case::UpperSnake, Case::Snake, Case::Camel],
            Lang::Rust => &[Case::UpperSnake],
            Lang::Shell | Lang::Dockerfile | Lang::EnvExample | Lang::Markdown => {
                &[Case::UpperSnake]
            }
            Lang::Yaml => &[Case::Snake, Case::UpperSnake, Case::Camel, Case::Kebab],
            Lang::Json => &[Case::Camel, Case::Camel, Case::Snake, Case::Pascal],
            Lang::Properties => &[Case::Dotted, Case::Dotted, Case::Kebab, Case::Camel],
            Lang::Ini | Lang::Toml | Lang::Terraform => &[Case::Snake],
        };
        *rng.pick(options)
    }

    pub fn name(self, rng: &Rng, words: &[&str]) -> String {
        let case = self.case(rng);
        if case == Case::Kebab && self == Lang::Properties {
            // Spring style: `stripe.secret-key`.
            let (first, rest) = words.split_first().expect("names have words");
            return format!("{first}.{}", spell(rest, Case::Kebab));
        }
        spell(words, case)
    }

    /// A line that assigns the string literal `value` to a variable named from `words`.
    pub fn assign(self, rng: &Rng, words: &[&str], value: &str) -> String {
        let name = self.name(rng, words);
        let env = spell(words, Case::UpperSnake);
        let q = if rng.chance(0.5) { '"' } else { '\'' };
        match self {
            Lang::Python => match rng.below(7) {
                0 => format!("    \"{name}\": \"{value}\","),
                1 => format!("        self.{} = {q}{value}{q}", spell(words, Case::Snake)),
                2 => format!("os.environ.setdefault(\"{env}\", \"{value}\")"),
                3 => format!("    {}={q}{value}{q},", spell(words, Case::Snake)),
                _ => format!("{name} = {q}{value}{q}"),
            },
            Lang::JavaScript => match rng.below(6) {
                0 => format!("  {}: '{value}',", spell(words, Case::Camel)),
                1 => format!(
                    "export const {} = \"{value}\";",
                    spell(words, Case::UpperSnake)
                ),
                2 => format!("process.env.{env} = process.env.{env} || \"{value}\";"),
                3 => format!("let {name} = `{value}`;"),
                _ => format!("const {name} = {q}{value}{q};"),
            },
            Lang::TypeScript => match rng.below(5) {
                0 => format!(
                    "  private readonly {}: string = \"{value}\";",
                    spell(words, Case::Camel)
                ),
                1 => format!("  {}: '{value}',", spell(words, Case::Camel)),
                2 => format!(
                    "export const {}: string = \"{value}\";",
                    spell(words, Case::UpperSnake)
                ),
                _ => format!("const {name} = {q}{value}{q};"),
            },
            Lang::Go => match rng.below(5) {
                0 => format!("\t{}: \"{value}\",", spell(words, Case::Pascal)),
                1 => format!("\t{name} := \"{value}\""),
                2 => format!("\tos.Setenv(\"{env}\", \"{value}\")"),
                _ => format!("const {name} = \"{value}\""),
            },
            Lang::Java => match rng.below(5) {
                0 => format!(
                    "    private static final String {} = \"{value}\";",
                    spell(words, Case::UpperSnake)
                ),
                1 => format!(
                    "        String {} = \"{value}\";",
                    spell(words, Case::Camel)
                ),
                2 => format!(
                    "        props.setProperty(\"{}\", \"{value}\");",
                    spell(words, Case::Dotted)
                ),
                3 => format!("            .{}(\"{value}\")", spell(words, Case::Camel)),
                _ => format!(
                    "    private String {} = \"{value}\";",
                    spell(words, Case::Camel)
                ),
            },
            Lang::CSharp => match rng.below(3) {
                0 => format!("        private const string {name} = \"{value}\";"),
                1 => format!(
                    "            var {} = \"{value}\";",
                    spell(words, Case::Camel)
                ),
                _ => format!("            {name} = \"{value}\","),
            },
            Lang::Ruby => match rng.below(5) {
                0 => format!("  config.{} = {q}{value}{q}", spell(words, Case::Snake)),
                1 => format!("  {}: \"{value}\",", spell(words, Case::Snake)),
                2 => format!("ENV[\"{env}\"] ||= \"{value}\""),
                _ => format!("{name} = {q}{value}{q}"),
            },
            Lang::Php => match rng.below(5) {
                0 => format!("define('{env}', '{value}');"),
                1 => format!("    '{}' => '{value}',", spell(words, Case::Snake)),
                2 => format!("    const {env} = '{value}';"),
                _ => format!(
                    "${} = {q}{value}{q};",
                    spell(words, *rng.pick(&[Case::Snake, Case::Camel]))
                ),
            },
            Lang::Rust => match rng.below(2) {
                0 => format!("const {env}: &str = \"{value}\";"),
                _ => format!("    let {} = \"{value}\";", spell(words, Case::Snake)),
            },
            Lang::Shell => match rng.below(4) {
                0 => format!("{env}='{value}'"),
                1 => format!("{env}={value}"),
                _ => format!("export {env}=\"{value}\""),
            },
            Lang::Yaml => match rng.below(4) {
                0 => format!("  {name}: \"{value}\""),
                1 => format!("    - {env}={value}"),
                _ => format!("  {name}: {value}"),
            },
            Lang::Properties => match rng.below(3) {
                0 => format!("{name} = {value}"),
                _ => format!("{name}={value}"),
            },
            Lang::Ini => format!("{name} = {value}"),
            Lang::Json => format!("    \"{name}\": \"{value}\","),
            Lang::Toml => format!("{name} = \"{value}\""),
            Lang::Dockerfile => match rng.below(3) {
                0 => format!("ENV {env} {value}"),
                1 => format!("ARG {env}={value}"),
                _ => format!("ENV {env}={value}"),
            },
            Lang::Terraform => format!("  {name} = \"{value}\""),
            Lang::Markdown | Lang::EnvExample => match rng.below(3) {
                0 => format!("export {env}={value}"),
                _ => format!("{env}={value}"),
            },
            Lang::Xml => match rng.below(2) {
                0 => format!("    <add key=\"{name}\" value=\"{value}\" />"),
                _ => format!("    <{name}>{value}</{name}>"),
            },
        }
    }

    /// A line that assigns an expression (not a literal) to a variable named from `words`.
    pub fn assign_expr(self, rng: &Rng, words: &[&str], expr: &str) -> String {
        let name = self.name(rng, words);
        match self {
            Lang::Python | Lang::Ruby => format!("{name} = {expr}"),
            Lang::JavaScript | Lang::TypeScript => format!("const {name} = {expr};"),
            Lang::Go => format!("\t{name} := {expr}"),
            Lang::Java => format!("        String {} = {expr};", spell(words, Case::Camel)),
            Lang::CSharp => format!("            var {} = {expr};", spell(words, Case::Camel)),
            Lang::Php => format!("${} = {expr};", spell(words, Case::Snake)),
            Lang::Rust => format!("    let {} = {expr};", spell(words, Case::Snake)),
            Lang::Terraform => format!("  {name} = {expr}"),
            _ => self.assign(rng, words, expr),
        }
    }

    /// A line that reads the environment variable `NAME` (from `words`), the correct usage.
    pub fn env_read(self, rng: &Rng, words: &[&str]) -> String {
        let env = spell(words, Case::UpperSnake);
        let var = spell(words, Case::Snake);
        let camel = spell(words, Case::Camel);
        match self {
            Lang::Python => match rng.below(5) {
                0 => format!("{var} = os.environ[\"{env}\"]"),
                1 => format!("{env} = os.getenv(\"{env}\")"),
                2 => format!("{var} = os.environ.get('{env}', '')"),
                3 => {
                    format!("    {var}: str = Field(default_factory=lambda: os.environ[\"{env}\"])")
                }
                _ => format!("{var} = env.str(\"{env}\")"),
            },
            Lang::JavaScript | Lang::TypeScript => match rng.below(4) {
                0 => format!("const {env} = process.env.{env};"),
                1 => format!("  {camel}: process.env.{env},"),
                2 => format!("const {{ {env} }} = process.env;"),
                _ => format!("const {camel} = process.env[\"{env}\"] ?? \"\";"),
            },
            Lang::Go => match rng.below(2) {
                0 => format!("\t{camel} := os.Getenv(\"{env}\")"),
                _ => format!("\t{camel}, ok := os.LookupEnv(\"{env}\")"),
            },
            Lang::Java => match rng.below(2) {
                0 => format!("        String {camel} = System.getenv(\"{env}\");"),
                _ => format!("    @Value(\"${{{}}}\")", spell(words, Case::Dotted)),
            },
            Lang::CSharp => {
                format!("            var {camel} = Environment.GetEnvironmentVariable(\"{env}\");")
            }
            Lang::Ruby => match rng.below(2) {
                0 => format!("{var} = ENV[\"{env}\"]"),
                _ => format!("  config.{var} = ENV.fetch(\"{env}\")"),
            },
            Lang::Php => match rng.below(3) {
                0 => format!("${var} = getenv('{env}');"),
                1 => format!("${camel} = $_ENV['{env}'] ?? null;"),
                _ => format!("    '{var}' => env('{env}'),"),
            },
            Lang::Rust => format!("    let {var} = std::env::var(\"{env}\")?;"),
            Lang::Shell => match rng.below(2) {
                0 => format!(": \"${{{env}:?{env} must be set}}\""),
                _ => format!("curl -fsS -H \"Authorization: Bearer ${env}\" \"$API_URL/health\""),
            },
            Lang::Yaml => match rng.below(3) {
                0 => format!("  {var}: ${{{env}}}"),
                1 => format!("    {env}: ${{{{ secrets.{env} }}}}"),
                _ => format!("    - {env}"),
            },
            Lang::Properties => format!("{}=${{{env}}}", spell(words, Case::Dotted)),
            Lang::Ini => format!("{var} = %({env})s"),
            Lang::Json => format!("    \"{camel}\": \"${{{env}}}\","),
            Lang::Toml => format!("{var} = \"${{{env}}}\""),
            Lang::Dockerfile => match rng.below(2) {
                0 => format!("ARG {env}"),
                _ => format!("ENV {env}=${{{env}}}"),
            },
            Lang::Terraform => format!("  {var} = var.{var}"),
            Lang::Markdown => {
                format!("Set `{env}` in your environment before starting the service.")
            }
            Lang::EnvExample => format!("{env}="),
            Lang::Xml => format!(
                "    <{}>${{env.{env}}}</{}>",
                spell(words, Case::Camel),
                spell(words, Case::Camel)
            ),
        }
    }

    /// A line that uses a recognisable key directly, with no secret-like name next to it.
    pub fn bare_use(self, rng: &Rng, value: &str) -> Option<String> {
        let client = rng.pick(&["Client", "ApiClient", "Session", "Gateway"]);
        Some(match self {
            Lang::Python => match rng.below(3) {
                0 => format!("client = {client}(\"{value}\")"),
                1 => format!("headers = {{\"Authorization\": \"Bearer {value}\"}}"),
                _ => format!("    return connect(\"{value}\", timeout=30)"),
            },
            Lang::JavaScript | Lang::TypeScript => match rng.below(2) {
                0 => format!("const client = new {client}(\"{value}\");"),
                _ => format!("  headers: {{ Authorization: `Bearer {value}` }},"),
            },
            Lang::Go => format!("\tclient := sdk.New{client}(\"{value}\")"),
            Lang::Java => format!("        {client} client = new {client}(\"{value}\");"),
            Lang::CSharp => format!("            var client = new {client}(\"{value}\");"),
            Lang::Ruby => format!("client = {client}.new(\"{value}\")"),
            Lang::Php => format!("$client = new {client}('{value}');"),
            Lang::Rust => format!("    let client = {client}::new(\"{value}\");"),
            Lang::Shell | Lang::Markdown => match rng.below(2) {
                0 => format!("curl -H \"Authorization: Bearer {value}\" https://api.example-service.com/v1/me"),
                _ => format!("deploy-cli login --token {value}"),
            },
            _ => return None,
        })
    }

    /// The opening lines of a file.
    pub fn header(self, rng: &Rng, module: &str) -> Vec<String> {
        let lines: Vec<String> = match self {
            Lang::Python => vec![
                format!("\"\"\"{module}: glue between the API layer and the workers.\"\"\""),
                "import logging".into(),
                "import os".into(),
                String::new(),
                "logger = logging.getLogger(__name__)".into(),
            ],
            Lang::JavaScript => vec![
                "'use strict';".into(),
                String::new(),
                format!("const {{ createLogger }} = require('../lib/{module}');"),
                "const log = createLogger(__filename);".into(),
            ],
            Lang::TypeScript => vec![
                format!("import {{ Injectable }} from '@nestjs/common';"),
                format!("import type {{ Config }} from '../config/{module}';"),
            ],
            Lang::Go => vec![
                format!("package {}", module.replace('-', "")),
                String::new(),
                "import (".into(),
                "\t\"context\"".into(),
                "\t\"fmt\"".into(),
                "\t\"os\"".into(),
                ")".into(),
            ],
            Lang::Java => vec![
                format!("package com.acme.{};", module.replace('-', "")),
                String::new(),
                "import java.util.Properties;".into(),
                "import org.slf4j.Logger;".into(),
                String::new(),
                format!("public class {}Config {{", capitalise(module)),
            ],
            Lang::CSharp => vec![
                "using System;".into(),
                format!("namespace Acme.{}", module.replace('-', "")),
                "{".into(),
                format!("    public class {}Options", capitalise(module)),
                "    {".into(),
            ],
            Lang::Ruby => vec![
                "# frozen_string_literal: true".into(),
                String::new(),
                format!("require \"{module}\""),
            ],
            Lang::Php => vec![
                "<?php".into(),
                String::new(),
                format!("namespace App\\{};", module.replace('-', "")),
            ],
            Lang::Rust => vec![
                format!("//! {module} client settings."),
                String::new(),
                "use std::time::Duration;".into(),
            ],
            Lang::Shell => vec!["#!/usr/bin/env bash".into(), "set -euo pipefail".into()],
            Lang::Yaml => vec![format!("# {module} settings"), format!("{module}:")],
            Lang::Properties | Lang::Ini | Lang::Toml => {
                vec![self.comment(&format!("{module} configuration"))]
            }
            Lang::Json => vec![
                "{".into(),
                format!("  \"service\": \"{module}\","),
                "  \"settings\": {".into(),
            ],
            Lang::Dockerfile => vec![
                format!(
                    "FROM {}",
                    rng.pick(&[
                        "python:3.12-slim",
                        "node:20-alpine",
                        "golang:1.22",
                        "eclipse-temurin:21-jre"
                    ])
                ),
                "WORKDIR /app".into(),
            ],
            Lang::Terraform => vec![format!(
                "resource \"acme_service\" \"{}\" {{",
                module.replace('-', "_")
            )],
            Lang::Markdown => vec![
                format!("# {module}"),
                String::new(),
                "## Configuration".into(),
                String::new(),
                "```sh".into(),
            ],
            Lang::EnvExample => vec!["# Copy to .env and fill in the values.".into()],
            Lang::Xml => vec![
                "<?xml version=\"1.0\" encoding=\"utf-8\"?>".into(),
                "<configuration>".into(),
            ],
        };
        lines
    }

    pub fn footer(self) -> Vec<String> {
        match self {
            Lang::Java | Lang::Terraform => vec!["}".into()],
            Lang::CSharp => vec!["    }".into(), "}".into()],
            Lang::Markdown => vec!["```".into()],
            Lang::Xml => vec!["</configuration>".into()],
            Lang::Json => vec!["  }".into(), "}".into()],
            _ => vec![],
        }
    }

    /// A few lines of ordinary code or configuration with nothing secret in it.
    pub fn filler(self, rng: &Rng) -> Vec<String> {
        let noun = *rng.pick(&NOUNS);
        let cap = {
            let mut c = noun.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        };
        let n = rng.range(2, 500);
        let lines: Vec<String> = match self {
            Lang::Python => match rng.below(3) {
                0 => vec![
                    String::new(),
                    format!("def load_{noun}s(session, user_id, limit={n}):"),
                    format!("    \"\"\"Return the latest {noun}s of a user, newest first.\"\"\""),
                    format!("    rows = session.query({cap}).filter_by(user_id=user_id).limit(limit)"),
                    format!("    logger.debug(\"loaded %d {noun}s\", rows.count())"),
                    "    return list(rows)".into(),
                ],
                1 => vec![
                    String::new(),
                    format!("class {cap}Serializer(serializers.ModelSerializer):"),
                    "    class Meta:".into(),
                    format!("        model = {cap}"),
                    "        fields = [\"id\", \"created_at\", \"status\"]".into(),
                ],
                _ => vec![
                    String::new(),
                    format!("RETRY_DELAYS = [1, 2, 5, {n}]"),
                    format!("TIMEOUT_SECONDS = {}", n % 60 + 5),
                ],
            },
            Lang::JavaScript | Lang::TypeScript => match rng.below(3) {
                0 => vec![
                    String::new(),
                    format!("async function fetch{cap}s(api, page = 1) {{"),
                    format!("  const res = await api.get(`/{noun}s?page=${{page}}&limit={n}`);"),
                    "  if (!res.ok) throw new Error(`request failed: ${res.status}`);".into(),
                    "  return res.json();".into(),
                    "}".into(),
                ],
                1 => vec![
                    String::new(),
                    format!("export function format{cap}({noun}) {{"),
                    format!("  return `${{{noun}.id}} (${{{noun}.status}})`;"),
                    "}".into(),
                ],
                _ => vec![String::new(), format!("const MAX_{}S = {n};", noun.to_ascii_uppercase())],
            },
            Lang::Go => vec![
                String::new(),
                format!("// Load{cap} returns the {noun} with the given id."),
                format!("func Load{cap}(ctx context.Context, id int64) (*{cap}, error) {{"),
                format!("\trow := db.QueryRowContext(ctx, \"SELECT id, status FROM {noun}s WHERE id = $1\", id)"),
                format!("\tvar v {cap}"),
                "\tif err := row.Scan(&v.ID, &v.Status); err != nil {".into(),
                format!("\t\treturn nil, fmt.Errorf(\"load {noun} %d: %w\", id, err)"),
                "\t}".into(),
                "\treturn &v, nil".into(),
                "}".into(),
            ],
            Lang::Java | Lang::CSharp => vec![
                String::new(),
                format!("    public {cap} find{cap}(long id) {{"),
                format!("        return repository.findById(id).orElseThrow(() -> new NotFound(\"{noun}\", id));"),
                "    }".into(),
            ],
            Lang::Ruby => vec![
                String::new(),
                format!("def recent_{noun}s(limit: {n})"),
                format!("  {cap}.where(archived: false).order(created_at: :desc).limit(limit)"),
                "end".into(),
            ],
            Lang::Php => vec![
                String::new(),
                format!("function find{cap}(int $id): ?array"),
                "{".into(),
                format!("    return DB::table('{noun}s')->where('id', $id)->first();"),
                "}".into(),
            ],
            Lang::Rust => vec![
                String::new(),
                format!("pub fn {noun}_timeout() -> Duration {{"),
                format!("    Duration::from_millis({n})"),
                "}".into(),
            ],
            Lang::Shell => vec![
                String::new(),
                format!("echo \"syncing {noun}s ({n} per batch)\""),
                format!("./bin/sync --kind {noun} --batch {n} --region \"${{AWS_REGION:-eu-west-1}}\""),
            ],
            Lang::Yaml => vec![
                format!("  {noun}_batch_size: {n}"),
                format!("  {noun}_queue: {noun}-events"),
                "  log_level: info".into(),
            ],
            Lang::Properties => vec![
                format!("{noun}.batch.size={n}"),
                format!("{noun}.queue.name={noun}-events"),
            ],
            Lang::Ini | Lang::Toml => vec![
                String::new(),
                format!("[{noun}]"),
                format!("batch_size = {n}"),
                if self == Lang::Toml { format!("queue = \"{noun}-events\"") } else { format!("queue = {noun}-events") },
            ],
            Lang::Dockerfile => vec![
                "COPY requirements.txt .".into(),
                "RUN pip install --no-cache-dir -r requirements.txt".into(),
                format!("EXPOSE {}", 8000 + n % 100),
            ],
            Lang::Terraform => vec![
                format!("  name     = \"{noun}-service\""),
                format!("  replicas = {}", n % 5 + 1),
            ],
            Lang::Markdown => vec![
                "```".into(),
                String::new(),
                format!("The {noun} worker reads its settings at start-up; restart it after a change."),
                String::new(),
                "```sh".into(),
            ],
            Lang::EnvExample => vec![format!("{}_BATCH_SIZE={n}", noun.to_ascii_uppercase()), "LOG_LEVEL=info".into()],
            Lang::Xml => vec![format!("    <add key=\"{cap}BatchSize\" value=\"{n}\" />")],
            Lang::Json => vec![format!("    \"{noun}BatchSize\": {n},"), format!("    \"{noun}Queue\": \"{noun}-events\",")],
        };
        lines
    }

    pub fn extension(self) -> &'static str {
        match self {
            Lang::Python => "py",
            Lang::JavaScript => "js",
            Lang::TypeScript => "ts",
            Lang::Go => "go",
            Lang::Java => "java",
            Lang::CSharp => "cs",
            Lang::Ruby => "rb",
            Lang::Php => "php",
            Lang::Rust => "rs",
            Lang::Shell => "sh",
            Lang::Yaml => "yaml",
            Lang::Properties => "properties",
            Lang::Ini => "ini",
            Lang::Toml => "toml",
            Lang::Dockerfile => "Dockerfile",
            Lang::Terraform => "tf",
            Lang::Markdown => "md",
            Lang::EnvExample => "env.example",
            Lang::Xml => "config",
            Lang::Json => "json",
        }
    }
}

pub const NOUNS: [&str; 14] = [
    "invoice",
    "customer",
    "order",
    "report",
    "session",
    "upload",
    "shipment",
    "account",
    "payment",
    "message",
    "metric",
    "profile",
    "ticket",
    "subscription",
];

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
        .unwrap_or_default()
}

/// The lines that open and close the construct an indented line belongs in (a call, a dict, a
/// class, a function), so every line sits in a plausible context.
pub fn enclose(lang: Lang, line: &str) -> (Vec<&'static str>, Vec<&'static str>) {
    let indent = line.len() - line.trim_start().len();
    let t = line.trim_start();
    let v = |pre: &[&'static str], post: &[&'static str]| (pre.to_vec(), post.to_vec());
    if indent == 0 {
        return v(&[], &[]);
    }
    match lang {
        Lang::Python if t.starts_with("self.") => {
            v(&["", "class Settings:", "    def __init__(self):"], &[""])
        }
        Lang::Python if t.starts_with('"') => v(&["", "DEFAULTS = {"], &["}"]),
        Lang::Python if t.contains(": str") || t.contains("Field(") => {
            v(&["", "class Settings(BaseSettings):"], &[""])
        }
        Lang::Python if t.ends_with(',') => v(&["", "client = Client("], &[")"]),
        Lang::Python => v(&["", "def configure():"], &[""]),
        Lang::JavaScript | Lang::TypeScript
            if t.starts_with("private ") || t.ends_with("string;") =>
        {
            v(&["", "export class Settings {"], &["}"])
        }
        Lang::JavaScript | Lang::TypeScript => v(&["", "const options = {"], &["};"]),
        Lang::Go if t.contains(" string `") => v(&["", "type Config struct {"], &["}"]),
        Lang::Go if t.ends_with(',') => v(&["", "var defaults = Config{"], &["}"]),
        Lang::Go => v(&["", "func setup() {"], &["}"]),
        Lang::Java if t.starts_with('.') => v(
            &["    Client client() {", "        return Client.builder()"],
            &["            .build();", "    }"],
        ),
        Lang::Java if indent >= 8 => v(&["    void configure(Properties props) {"], &["    }"]),
        Lang::CSharp if t.ends_with(',') => v(
            &[
                "        public ClientOptions Defaults() => new ClientOptions",
                "        {",
            ],
            &["        };"],
        ),
        Lang::CSharp if indent >= 12 => v(
            &["        public void Configure()", "        {"],
            &["        }"],
        ),
        Lang::Ruby if t.starts_with("config.") => v(&["", "Acme.configure do |config|"], &["end"]),
        Lang::Ruby if t.starts_with("attr_") => v(&["", "class Settings"], &["end"]),
        Lang::Ruby => v(&["", "DEFAULTS = {"], &["}.freeze"]),
        Lang::Php if t.starts_with('\'') => v(&["", "$config = ["], &["];"]),
        Lang::Php => v(&["", "final class Settings", "{"], &["}"]),
        Lang::Rust if t.starts_with("pub ") => v(&["", "pub struct Settings {"], &["}"]),
        Lang::Rust => v(&["", "pub fn configure() {"], &["}"]),
        Lang::Yaml if t.starts_with("- ") => v(&["  environment:"], &[]),
        Lang::Yaml if indent == 4 => v(&["  env:"], &[]),
        _ => v(&[], &[]),
    }
}
