//! Secrets whose name is not on their line, or that are handed to a client, a header or a command
//! line (issue 12): Kubernetes `- name:`/`value:` pairs, provider sections in YAML, JSON, INI and
//! TOML, Terraform variable defaults, Android and .NET XML, Go struct literals, multi-line
//! constructors, client factories, HTTP headers in curl and `.http` files, and CLI flags. Each
//! form is written for MigoSMTP, Telnxo and a generic service, labelled `vendor/form` so that the
//! bench can score every form, next to the correct form of the same file (a reference, an env
//! read or a template) as a hard negative.

use super::shapes;
use super::{Builder, Family, Item};
use crate::common::rng::Rng;

/// The vendors every form is written for: `(id, upper, lower, camel)`.
const VENDORS: [(&str, &str, &str, &str); 3] = [
    ("migosmtp", "MIGOSMTP", "migosmtp", "MigoSmtp"),
    ("telnxo", "TELNXO", "telnxo", "Telnxo"),
    ("generic", "PAYMENTS", "payments", "Payments"),
];

/// Every form: its name, the file extension it lives in, and whether the generic vendor has it
/// (the vendor sections and clients mean something only under a provider's name).
pub const FORMS: &[(&str, &str, bool)] = &[
    ("k8s-env", "yaml", true),
    ("compose-map", "yml", true),
    ("helm-nested", "yaml", false),
    ("json-nested", "json", false),
    ("ini-section", "ini", false),
    ("toml-section", "toml", false),
    ("terraform-variable", "tf", true),
    ("xml-string", "xml", true),
    ("xml-add", "config", true),
    ("go-struct", "go", false),
    ("js-constructor", "js", false),
    ("js-factory", "js", false),
    ("js-require", "js", false),
    ("python-client", "py", false),
    ("curl-header", "sh", true),
    ("curl-bearer", "sh", true),
    ("http-file", "http", true),
    ("curl-continued", "sh", true),
    ("cli-flag", "sh", true),
];

fn label(vendor: &str, form: &str) -> &'static str {
    Box::leak(format!("{vendor}/{form}").into_boxed_str())
}

/// One file per vendor and form: `(path, builder)` pairs, with `project` as the folder.
pub fn files(rng: &Rng, project: &str, round: usize) -> Vec<Builder> {
    let mut out = Vec::new();
    for &(vendor, upper, lower, camel) in &VENDORS {
        for &(form, ext, generic) in FORMS {
            if vendor == "generic" && !generic {
                continue;
            }
            let family = if vendor == "generic" {
                Family::Generic
            } else {
                Family::MigoTelnxo
            };
            let secret = if vendor == "generic" {
                rng.alnum(rng.range(28, 40))
            } else {
                shapes::by_id(rng, &format!("{vendor}-api-key")).secret
            };
            let item = Item {
                family,
                kind: label(vendor, form),
                secret: true,
                needle: secret.clone(),
            };
            let negative = |needle: &str| Item {
                family,
                kind: "env-read",
                secret: false,
                needle: needle.to_string(),
            };
            let path = format!("{project}/forms/{vendor}-{form}-{round}.{ext}");
            let mut b = Builder::new(path);
            let name = format!("{upper}_API_KEY");
            let host = format!("api.{lower}.example.net");
            match form {
                "k8s-env" => {
                    b.lines([
                        "apiVersion: apps/v1".to_string(),
                        "kind: Deployment".into(),
                        "spec:".into(),
                        "  template:".into(),
                        "    spec:".into(),
                        "      containers:".into(),
                        format!("        - name: {lower}-worker"),
                        "          env:".into(),
                        format!("            - name: {name}"),
                    ]);
                    b.labelled(format!("              value: \"{secret}\""), &item);
                    b.line(format!("            - name: {upper}_API_KEY_FROM_SECRET"));
                    b.line("              valueFrom:");
                    b.labelled(
                        format!("                secretKeyRef: {{name: {lower}, key: api-key}}"),
                        &negative("secretKeyRef"),
                    );
                }
                "compose-map" => {
                    b.lines(["services:", "  app:", "    environment:"]);
                    b.labelled(format!("      {name}: {secret}"), &item);
                    b.labelled(
                        format!("      {upper}_API_TOKEN: ${{{upper}_API_TOKEN}}"),
                        &negative("${"),
                    );
                }
                "helm-nested" => {
                    b.lines([format!("{lower}:"), "  enabled: true".into()]);
                    b.labelled(format!("  apiKey: \"{secret}\""), &item);
                    b.line("other:");
                    b.labelled(
                        format!("  apiKey: {{{{ .Values.{lower}.apiKey | quote }}}}"),
                        &negative(".Values"),
                    );
                }
                "json-nested" => {
                    b.lines([
                        "{".to_string(),
                        format!("  \"{lower}\": {{"),
                        "    \"region\": \"eu\",".into(),
                    ]);
                    b.labelled(format!("    \"secret\": \"{secret}\""), &item);
                    b.lines(["  },", "  \"mailer\": {"]);
                    b.labelled("    \"secret\": \"env:MAILER_SECRET\"", &negative("env:"));
                    b.lines(["  }", "}"]);
                }
                "ini-section" => {
                    b.lines([format!("[{lower}]"), "region = eu".into()]);
                    b.labelled(format!("key = {secret}"), &item);
                    b.line("");
                    b.line("[cache]");
                    b.labelled("key = %(CACHE_KEY)s", &negative("%("));
                }
                "toml-section" => {
                    b.line(format!("[services.{lower}]"));
                    b.labelled(format!("api_key = \"{secret}\""), &item);
                    b.line("");
                    b.line(format!("[services.{lower}.staging]"));
                    b.labelled(
                        format!("api_key_env = \"{upper}_STAGING_API_KEY\""),
                        &negative("_STAGING_API_KEY"),
                    );
                }
                "terraform-variable" => {
                    let var = if vendor == "generic" {
                        "payments_api_token".to_string()
                    } else {
                        format!("{lower}_api_key")
                    };
                    b.lines([
                        format!("variable \"{var}\" {{"),
                        "  type    = string".into(),
                    ]);
                    b.labelled(format!("  default = \"{secret}\""), &item);
                    b.lines(["}".to_string(), "".into()]);
                    b.line(format!("variable \"{var}_staging\" {{"));
                    b.labelled("  sensitive = true", &negative("sensitive"));
                    b.line("}");
                }
                "xml-string" => {
                    b.lines(["<?xml version=\"1.0\" encoding=\"utf-8\"?>", "<resources>"]);
                    b.labelled(
                        format!("    <string name=\"{lower}_api_token\">{secret}</string>"),
                        &item,
                    );
                    b.labelled(
                        "    <string name=\"app_name\">Acme Notifier</string>",
                        &negative("Acme"),
                    );
                    b.line("</resources>");
                }
                "xml-add" => {
                    b.lines(["<configuration>", "  <appSettings>"]);
                    b.labelled(
                        format!("    <add key=\"{camel}ApiKey\" value=\"{secret}\" />"),
                        &item,
                    );
                    b.labelled(
                        format!("    <add key=\"{camel}BaseUrl\" value=\"https://{host}/v1\" />"),
                        &negative("https://"),
                    );
                    b.lines(["  </appSettings>", "</configuration>"]);
                }
                "go-struct" => {
                    b.lines([
                        "package mail".to_string(),
                        "".into(),
                        format!("var client = {lower}.NewClient({lower}.Config{{"),
                        "\tRegion: \"eu\",".into(),
                    ]);
                    b.labelled(format!("\tAPIKey: \"{secret}\","), &item);
                    b.line("})");
                    b.line(format!("var staging = {lower}.NewClient({lower}.Config{{"));
                    b.labelled(
                        format!("\tAPIKey: os.Getenv(\"{name}\"),"),
                        &negative("os.Getenv"),
                    );
                    b.line("})");
                }
                "js-constructor" => {
                    b.line(format!("const client = new {camel}({{"));
                    b.labelled(format!("  apiKey: \"{secret}\","), &item);
                    b.line("});");
                    b.line(format!("const staging = new {camel}({{"));
                    b.labelled(
                        format!("  apiKey: process.env.{name},"),
                        &negative("process.env"),
                    );
                    b.line("});");
                }
                "js-factory" => {
                    b.labelled(
                        format!("const client = create{camel}Client(\"{secret}\");"),
                        &item,
                    );
                    b.labelled(
                        format!("const staging = create{camel}Client(process.env.{name});"),
                        &negative("process.env"),
                    );
                }
                "js-require" => {
                    b.labelled(
                        format!("const client = require(\"{lower}\")(\"{secret}\");"),
                        &item,
                    );
                    b.labelled(
                        format!("const staging = require(\"{lower}\")(process.env.{name});"),
                        &negative("process.env"),
                    );
                }
                "python-client" => {
                    b.line(format!("client = {lower}.Client("));
                    b.labelled(format!("    api_key=\"{secret}\","), &item);
                    b.line(")");
                    b.line(format!("staging = {lower}.Client("));
                    b.labelled(
                        format!("    api_key=os.environ[\"{name}\"],"),
                        &negative("os.environ"),
                    );
                    b.line(")");
                }
                "curl-header" => {
                    b.labelled(
                        format!("curl -s -H \"X-Api-Key: {secret}\" https://{host}/v1/messages"),
                        &item,
                    );
                    b.labelled(
                        format!("curl -s -H \"X-Api-Key: ${name}\" https://{host}/v1/messages"),
                        &negative("$"),
                    );
                }
                "curl-bearer" => {
                    let scheme = *rng.pick(&["Bearer", "Token", "Api-Token"]);
                    b.labelled(
                        format!(
                            "curl -H 'Authorization: {scheme} {secret}' https://{host}/v1/status"
                        ),
                        &item,
                    );
                    b.labelled(
                        format!(
                            "curl -H \"Authorization: {scheme} ${{{name}}}\" https://{host}/v1/status"
                        ),
                        &negative("${"),
                    );
                }
                "http-file" => {
                    let scheme = *rng.pick(&["Bearer", "Token"]);
                    b.lines([
                        "### send".to_string(),
                        format!("POST https://{host}/v1/messages"),
                    ]);
                    b.labelled(format!("Authorization: {scheme} {secret}"), &item);
                    b.lines(["Content-Type: application/json".to_string(), "".into()]);
                    b.line("### status");
                    b.line(format!("GET https://{host}/v1/status"));
                    b.labelled(
                        format!("Authorization: {scheme} {{{{{lower}_token}}}}"),
                        &negative("{{"),
                    );
                }
                "curl-continued" => {
                    b.line(format!("curl -X POST https://{host}/v1/messages \\"));
                    b.labelled(format!("  -H \"X-Api-Key: {secret}\" \\"), &item);
                    b.line("  -d @message.json");
                }
                "cli-flag" => {
                    b.labelled(
                        format!("{lower}-cli send --api-key {secret} --to ops@example.org"),
                        &item,
                    );
                    b.labelled(
                        format!("{lower}-cli send --api-key \"${name}\" --to ops@example.org"),
                        &negative("$"),
                    );
                }
                other => unreachable!("form {other}"),
            }
            out.push(b);
        }
    }
    out
}
