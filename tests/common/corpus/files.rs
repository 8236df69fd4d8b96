//! The corpus plan: source and configuration files in many languages with secrets and hard
//! negatives woven into ordinary code, plus the special files real repositories hold (lock
//! files, key files, registry and CI configuration, Kubernetes manifests, stylesheets, ...).

use std::collections::HashSet;

use super::keys;
use super::langs::{self, Lang};
use super::negatives;
use super::shapes::{self, Secret};
use super::{Builder, Corpus, Family, File, Item, Label};
use crate::common::rng::{base64, Rng, B64, B64URL, LOWER_ALNUM};

const PROJECTS: [&str; 8] = [
    "billing-api",
    "web-frontend",
    "infra",
    "mobile-backend",
    "data-pipeline",
    "notifier",
    "auth-service",
    "admin-portal",
];

const MODULES: [&str; 16] = [
    "settings",
    "config",
    "client",
    "notifications",
    "payments",
    "mailer",
    "storage",
    "deploy",
    "worker",
    "sync",
    "auth",
    "billing",
    "export",
    "webhooks",
    "integrations",
    "analytics",
];

const PACKAGES: [&str; 20] = [
    "lodash",
    "express",
    "react",
    "axios",
    "chalk",
    "debug",
    "semver",
    "uuid",
    "yargs",
    "zod",
    "ms",
    "qs",
    "tslib",
    "rxjs",
    "dotenv",
    "commander",
    "glob",
    "minimatch",
    "ws",
    "cookie",
];

/// (A constant: next to `PrivateKey`, keygate's generic rule takes the literal for a key.)
const KUBECONFIG_KIND: &str = "kubeconfig-client-key";

struct Gen {
    rng: Rng,
    files: Vec<File>,
    labels: Vec<Label>,
    paths: HashSet<String>,
    /// Round-robin over families, so every family gets its share of secrets.
    family_cursor: usize,
}

fn secret_item(s: &Secret) -> Item {
    Item {
        family: s.family,
        kind: s.provider,
        secret: true,
        needle: s.value.clone(),
    }
}

fn secret_of(family: Family, kind: &'static str, needle: impl Into<String>) -> Item {
    Item {
        family,
        kind,
        secret: true,
        needle: needle.into(),
    }
}

fn negative_of(family: Family, kind: &'static str, needle: impl Into<String>) -> Item {
    Item {
        family,
        kind,
        secret: false,
        needle: needle.into(),
    }
}

pub fn generate(seed: u64, target: usize) -> Corpus {
    let mut g = Gen {
        rng: Rng::new(seed),
        files: Vec::new(),
        labels: Vec::new(),
        paths: HashSet::new(),
        family_cursor: 0,
    };
    let specials = target * 22 / 100;
    for i in 0..specials {
        g.special(i);
    }
    while g.files.len() < target {
        g.code_file();
    }
    // The forms of issue 12 (neighbouring-line names, sections, constructors, headers, command
    // lines): two rounds, each vendor and form once per round.
    for round in 0..2 {
        let project = g.project();
        for b in super::forms::files(&g.rng, project, round) {
            let path = g.unique(b.path.clone());
            g.push(Builder { path, ..b });
        }
    }
    Corpus {
        seed,
        files: g.files,
        labels: g.labels,
    }
}

impl Gen {
    fn unique(&mut self, path: String) -> String {
        if self.paths.insert(path.clone()) {
            return path;
        }
        let (stem, ext) = match path.rfind('.') {
            Some(dot) if dot > path.rfind('/').map_or(0, |s| s + 1) => (&path[..dot], &path[dot..]),
            _ => (path.as_str(), ""),
        };
        for n in 2.. {
            let candidate = format!("{stem}_{n}{ext}");
            if self.paths.insert(candidate.clone()) {
                return candidate;
            }
        }
        unreachable!()
    }

    fn push(&mut self, b: Builder) {
        let file = b.finish(&mut self.labels);
        self.files.push(file);
    }

    fn next_family(&mut self) -> Family {
        let f = Family::ALL[self.family_cursor % Family::ALL.len()];
        self.family_cursor += 1;
        f
    }

    fn project(&mut self) -> &'static str {
        PROJECTS[self.rng.below(PROJECTS.len())]
    }

    fn path_for(&mut self, lang: Lang, module: &str) -> String {
        let project = self.project();
        let path = match lang {
            Lang::Python => format!("{project}/app/{module}.py"),
            Lang::JavaScript => format!("{project}/src/{module}.js"),
            Lang::TypeScript => format!("{project}/src/{module}/{module}.service.ts"),
            Lang::Go => format!("{project}/internal/{module}/{module}.go"),
            Lang::Java => format!(
                "{project}/src/main/java/com/acme/{module}/{}Config.java",
                capitalise(module)
            ),
            Lang::CSharp => format!(
                "{project}/src/{}/{}Options.cs",
                capitalise(module),
                capitalise(module)
            ),
            Lang::Ruby => format!("{project}/config/initializers/{module}.rb"),
            Lang::Php => format!("{project}/config/{module}.php"),
            Lang::Rust => format!("{project}/src/{module}.rs"),
            Lang::Shell => format!("{project}/scripts/{module}.sh"),
            Lang::Yaml => format!("{project}/config/{module}.yaml"),
            Lang::Json => format!("{project}/config/{module}.json"),
            Lang::Properties => {
                format!("{project}/src/main/resources/application-{module}.properties")
            }
            Lang::Ini => format!("{project}/etc/{module}.ini"),
            Lang::Toml => format!("{project}/config/{module}.toml"),
            Lang::Dockerfile => format!("{project}/docker/{module}.Dockerfile"),
            Lang::Terraform => format!("{project}/terraform/{module}.tf"),
            Lang::Markdown => format!("{project}/docs/{module}.md"),
            Lang::EnvExample => format!("{project}/{module}/.env.example"),
            Lang::Xml => format!("{project}/{}/App.config", capitalise(module)),
        };
        self.unique(path)
    }

    /// A secret of `family` rendered as one line in `lang`.
    fn secret_line(&mut self, lang: Lang, family: Family, b: &mut Builder) {
        let rng = &self.rng;
        // Private keys are mostly blocks; the catalog's one-line keys (age, WireGuard, JWTs)
        // take the rest.
        if family == Family::PrivateKey && !rng.chance(0.2) {
            let (kind, lines) = keys::private_key_block(rng);
            let begin = lines[0].clone();
            match lang {
                Lang::Yaml => {
                    let at = b.lines.len();
                    b.line(format!(
                        "  {}: |",
                        rng.pick(&["private_key", "tls_key", "signing_key", "ssh_key"])
                    ));
                    for l in &lines {
                        b.line(format!("    {l}"));
                    }
                    b.label_range(at + 1, b.lines.len() - 1, &secret_of(family, kind, begin));
                }
                Lang::Terraform => {
                    let at = b.lines.len();
                    b.line("  private_key = <<-EOT");
                    for l in &lines {
                        b.line(format!("    {l}"));
                    }
                    b.line("  EOT");
                    b.label_range(at + 1, at + lines.len(), &secret_of(family, kind, begin));
                }
                Lang::Shell | Lang::Markdown => {
                    let at = b.lines.len();
                    b.line("cat > deploy_key <<'EOF'");
                    b.lines(lines.iter().cloned());
                    b.line("EOF");
                    b.label_range(at + 1, at + lines.len(), &secret_of(family, kind, begin));
                }
                _ => {
                    // One line, with escaped newlines, as code and JSON hold it.
                    let escaped = lines.join("\\n") + "\\n";
                    let line = lang.assign(rng, &["private", "key"], &escaped);
                    let (pre, post) = langs::enclose(lang, &line);
                    b.lines(pre);
                    b.labelled(line, &secret_of(family, kind, begin));
                    b.lines(post);
                }
            }
            return;
        }
        let s = shapes::secret(rng, family);
        let line = if s.bare && rng.chance(0.3) {
            lang.bare_use(rng, &s.value)
        } else if s.bare && rng.chance(0.05) {
            // A key left behind in a comment.
            Some(lang.comment(&format!("old key, rotate before release: {}", s.value)))
        } else {
            None
        };
        let line = line.unwrap_or_else(|| lang.assign(rng, &s.words(rng), &s.value));
        let (pre, post) = langs::enclose(lang, &line);
        b.lines(pre);
        b.labelled(line, &secret_item(&s));
        b.lines(post);
    }

    fn code_file(&mut self) {
        const WEIGHTS: &[(Lang, usize)] = &[
            (Lang::Python, 14),
            (Lang::JavaScript, 9),
            (Lang::TypeScript, 8),
            (Lang::Go, 8),
            (Lang::Java, 7),
            (Lang::CSharp, 3),
            (Lang::Ruby, 6),
            (Lang::Php, 6),
            (Lang::Rust, 3),
            (Lang::Shell, 6),
            (Lang::Yaml, 10),
            (Lang::Json, 6),
            (Lang::Properties, 4),
            (Lang::Ini, 3),
            (Lang::Toml, 3),
            (Lang::Dockerfile, 4),
            (Lang::Terraform, 5),
            (Lang::Markdown, 5),
            (Lang::EnvExample, 3),
            (Lang::Xml, 2),
        ];
        let total: usize = WEIGHTS.iter().map(|w| w.1).sum();
        let mut roll = self.rng.below(total);
        let lang = WEIGHTS
            .iter()
            .find(|(_, w)| {
                if roll < *w {
                    true
                } else {
                    roll -= w;
                    false
                }
            })
            .expect("weights cover the roll")
            .0;
        let module = *self.rng.pick(&MODULES);
        let path = self.path_for(lang, module);
        let mut b = Builder::new(path);
        let header = lang.header(&self.rng, module);
        b.lines(header);
        let secrets = self.rng.range(1, 4);
        let negatives = self.rng.range(2, 6);
        let mut slots: Vec<bool> = (0..secrets)
            .map(|_| true)
            .chain((0..negatives).map(|_| false))
            .collect();
        // Shuffle the slots.
        for i in (1..slots.len()).rev() {
            let j = self.rng.below(i + 1);
            slots.swap(i, j);
        }
        for secret in slots {
            if self.rng.chance(0.5) {
                let filler = lang.filler(&self.rng);
                b.lines(filler);
            }
            if secret {
                let family = self.next_family();
                self.secret_line(lang, family, &mut b);
            } else {
                let (line, item) = negatives::line(&self.rng, lang);
                let (pre, post) = langs::enclose(lang, &line);
                b.lines(pre);
                b.labelled(line, &item);
                b.lines(post);
            }
        }
        let filler = lang.filler(&self.rng);
        b.lines(filler);
        b.lines(lang.footer());
        if lang == Lang::Json {
            fix_json_commas(&mut b.lines);
        }
        self.push(b);
    }

    fn special(&mut self, i: usize) {
        const KINDS: usize = 28;
        match i % KINDS {
            0 => self.package_lock(),
            1 => self.yarn_lock(),
            2 => self.go_sum(),
            3 => self.cargo_lock(),
            4 => self.poetry_lock(),
            5 => self.requirements_hashes(),
            6 => self.terraform_lock(),
            7 => self.key_file(),
            8 => self.gcp_service_account(),
            9 => self.kubeconfig(),
            10 => self.npmrc(),
            11 => self.pypirc(),
            12 => self.docker_config(),
            13 => self.git_credentials(),
            14 => self.maven_settings(),
            15 => self.workflow(),
            16 => self.pre_commit_config(),
            17 => self.k8s_secret(),
            18 => self.compose(),
            19 => self.stylesheet(),
            20 => self.html(),
            21 => self.public_keys(),
            22 => self.crypto_tests(),
            23 => self.locale(),
            24 => self.wp_config(),
            25 => self.key_file(),
            26 => self.notebook(),
            _ => self.pnpm_lock(),
        }
    }

    /// A Jupyter notebook: code cells are JSON strings, so quotes inside them are escaped.
    fn notebook(&mut self) {
        let project = self.project();
        let name = self
            .rng
            .pick(&["explore", "prototype", "eval", "scratch"])
            .to_string();
        let path = self.unique(format!("{project}/notebooks/{name}.ipynb"));
        let mut b = Builder::new(path);
        b.lines([
            "{",
            " \"cells\": [",
            "  {",
            "   \"cell_type\": \"code\",",
            "   \"execution_count\": 1,",
            "   \"metadata\": {},",
            "   \"outputs\": [],",
            "   \"source\": [",
            "    \"import os\\n\",",
        ]);
        for _ in 0..self.rng.range(2, 3) {
            if self.rng.chance(0.5) {
                let family = *self.rng.pick(&[
                    Family::Ai,
                    Family::Ai,
                    Family::Cloud,
                    Family::Database,
                    Family::MigoTelnxo,
                ]);
                let s = shapes::secret(&self.rng, family);
                let line = Lang::Python
                    .assign(&self.rng, &s.words(&self.rng), &s.value)
                    .replace('"', "\\\"");
                b.labelled(format!("    \"{}\\n\",", line.trim()), &secret_item(&s));
            } else {
                let (line, item) = negatives::line(&self.rng, Lang::Python);
                let needle = item.needle.replace('"', "\\\"");
                let item = Item { needle, ..item };
                let line = line.replace('"', "\\\"");
                b.labelled(format!("    \"{}\\n\",", line.trim()), &item);
            }
        }
        b.lines([
            "    \"client = Client()\"",
            "   ]",
            "  }",
            " ],",
            " \"metadata\": {\"kernelspec\": {\"name\": \"python3\", \"display_name\": \"Python 3\"}},",
            " \"nbformat\": 4,",
            " \"nbformat_minor\": 5",
            "}",
        ]);
        self.push(b);
    }

    fn version(&mut self) -> String {
        format!(
            "{}.{}.{}",
            self.rng.range(0, 9),
            self.rng.range(0, 30),
            self.rng.range(0, 20)
        )
    }

    fn sri(&mut self, bytes: usize) -> String {
        let digest = self.rng.bytes(bytes);
        base64(&digest, false)
    }

    fn package_lock(&mut self) {
        let project = self.project();
        let path = self.unique(format!("{project}/package-lock.json"));
        let mut b = Builder::new(path);
        b.lines([
            "{",
            &format!("  \"name\": \"{project}\","),
            "  \"lockfileVersion\": 3,",
            "  \"packages\": {",
        ]);
        let n = self.rng.range(6, 12);
        for k in 0..n {
            let pkg = *self.rng.pick(&PACKAGES);
            let v = self.version();
            let integrity = format!("sha512-{}", self.sri(64));
            b.line(format!("    \"node_modules/{pkg}\": {{"));
            b.line(format!("      \"version\": \"{v}\","));
            b.line(format!(
                "      \"resolved\": \"https://registry.npmjs.org/{pkg}/-/{pkg}-{v}.tgz\","
            ));
            b.labelled(
                format!("      \"integrity\": \"{integrity}\""),
                &negative_of(Family::Registry, "lockfile-integrity", integrity),
            );
            b.line(if k + 1 == n { "    }" } else { "    }," });
        }
        b.lines(["  }", "}"]);
        self.push(b);
    }

    fn yarn_lock(&mut self) {
        let project = self.project();
        let path = self.unique(format!("{project}/yarn.lock"));
        let mut b = Builder::new(path);
        b.lines([
            "# THIS IS AN AUTOGENERATED FILE. DO NOT EDIT THIS FILE DIRECTLY.",
            "# yarn lockfile v1",
            "",
        ]);
        for _ in 0..self.rng.range(5, 10) {
            let pkg = *self.rng.pick(&PACKAGES);
            let v = self.version();
            let sha1 = self.rng.hex(40);
            let integrity = format!("sha512-{}", self.sri(64));
            b.line(format!("{pkg}@^{v}:"));
            b.line(format!("  version \"{v}\""));
            b.labelled(
                format!("  resolved \"https://registry.yarnpkg.com/{pkg}/-/{pkg}-{v}.tgz#{sha1}\""),
                &negative_of(Family::Registry, "lockfile-integrity", sha1),
            );
            b.labelled(
                format!("  integrity {integrity}"),
                &negative_of(Family::Registry, "lockfile-integrity", integrity),
            );
            b.blank();
        }
        self.push(b);
    }

    fn pnpm_lock(&mut self) {
        let project = self.project();
        let path = self.unique(format!("{project}/pnpm-lock.yaml"));
        let mut b = Builder::new(path);
        b.lines(["lockfileVersion: '9.0'", "", "packages:", ""]);
        for _ in 0..self.rng.range(5, 10) {
            let pkg = *self.rng.pick(&PACKAGES);
            let v = self.version();
            let integrity = format!("sha512-{}", self.sri(64));
            b.line(format!("  {pkg}@{v}:"));
            b.labelled(
                format!("    resolution: {{integrity: {integrity}}}"),
                &negative_of(Family::Registry, "lockfile-integrity", integrity),
            );
            b.line("    engines: {node: '>=14'}");
            b.blank();
        }
        self.push(b);
    }

    fn go_sum(&mut self) {
        let project = self.project();
        let path = self.unique(format!("{project}/go.sum"));
        let mut b = Builder::new(path);
        for _ in 0..self.rng.range(6, 12) {
            let module = self
                .rng
                .pick(&[
                    "github.com/google/uuid",
                    "github.com/spf13/cobra",
                    "golang.org/x/sys",
                    "github.com/stretchr/testify",
                    "go.uber.org/zap",
                    "github.com/aws/aws-sdk-go-v2",
                ])
                .to_string();
            let v = format!("v{}", self.version());
            let h1 = format!("h1:{}", self.sri(32));
            let h2 = format!("h1:{}", self.sri(32));
            b.labelled(
                format!("{module} {v} {h1}"),
                &negative_of(Family::Registry, "go-sum", h1),
            );
            b.labelled(
                format!("{module} {v}/go.mod {h2}"),
                &negative_of(Family::Registry, "go-sum", h2),
            );
        }
        self.push(b);
    }

    fn cargo_lock(&mut self) {
        let project = self.project();
        let path = self.unique(format!("{project}/Cargo.lock"));
        let mut b = Builder::new(path);
        b.lines([
            "# This file is automatically @generated by Cargo.",
            "# It is not intended for manual editing.",
            "version = 3",
        ]);
        for _ in 0..self.rng.range(5, 10) {
            let name = *self.rng.pick(&[
                "serde", "regex", "memchr", "libc", "tokio", "anyhow", "itoa", "ryu",
            ]);
            let v = self.version();
            let sum = self.rng.hex(64);
            b.blank();
            b.lines([
                "[[package]]".to_string(),
                format!("name = \"{name}\""),
                format!("version = \"{v}\""),
            ]);
            b.line("source = \"registry+https://github.com/rust-lang/crates.io-index\"");
            b.labelled(
                format!("checksum = \"{sum}\""),
                &negative_of(Family::Registry, "cargo-lock-checksum", sum),
            );
        }
        self.push(b);
    }

    fn poetry_lock(&mut self) {
        let project = self.project();
        let path = self.unique(format!("{project}/poetry.lock"));
        let mut b = Builder::new(path);
        for _ in 0..self.rng.range(3, 6) {
            let name = *self.rng.pick(&[
                "requests", "urllib3", "certifi", "idna", "click", "pydantic",
            ]);
            let v = self.version();
            b.lines([
                "[[package]]".to_string(),
                format!("name = \"{name}\""),
                format!("version = \"{v}\""),
                "files = [".to_string(),
            ]);
            for tag in ["py3-none-any.whl", "tar.gz"] {
                let hash = format!("sha256:{}", self.rng.hex(64));
                b.labelled(
                    format!("    {{file = \"{name}-{v}-{tag}\", hash = \"{hash}\"}},"),
                    &negative_of(Family::Registry, "lockfile-hash", hash),
                );
            }
            b.lines(["]", ""]);
        }
        self.push(b);
    }

    fn requirements_hashes(&mut self) {
        let project = self.project();
        let path = self.unique(format!("{project}/requirements.txt"));
        let mut b = Builder::new(path);
        b.line("# This file is autogenerated by pip-compile with Python 3.12");
        for _ in 0..self.rng.range(3, 6) {
            let name = *self.rng.pick(&[
                "requests",
                "boto3",
                "django",
                "celery",
                "redis",
                "psycopg2-binary",
            ]);
            let v = self.version();
            b.line(format!("{name}=={v} \\"));
            let h1 = format!("sha256:{}", self.rng.hex(64));
            let h2 = format!("sha256:{}", self.rng.hex(64));
            b.labelled(
                format!("    --hash={h1} \\"),
                &negative_of(Family::Registry, "lockfile-hash", h1),
            );
            b.labelled(
                format!("    --hash={h2}"),
                &negative_of(Family::Registry, "lockfile-hash", h2),
            );
        }
        self.push(b);
    }

    fn terraform_lock(&mut self) {
        let project = self.project();
        let path = self.unique(format!("{project}/terraform/.terraform.lock.hcl"));
        let mut b = Builder::new(path);
        b.line("# This file is maintained automatically by \"terraform init\".");
        for provider in ["hashicorp/aws", "cloudflare/cloudflare"] {
            let v = self.version();
            b.lines([
                format!("provider \"registry.terraform.io/{provider}\" {{"),
                format!("  version = \"{v}\""),
                "  hashes = [".to_string(),
            ]);
            let h1 = format!("h1:{}", self.sri(32));
            b.labelled(
                format!("    \"{h1}\","),
                &negative_of(Family::Registry, "lockfile-hash", h1),
            );
            for _ in 0..3 {
                let zh = format!("zh:{}", self.rng.hex(64));
                b.labelled(
                    format!("    \"{zh}\","),
                    &negative_of(Family::Registry, "lockfile-hash", zh),
                );
            }
            b.lines(["  ]", "}", ""]);
        }
        self.push(b);
    }

    fn key_file(&mut self) {
        let project = self.project();
        if self.rng.chance(0.2) {
            let path = self.unique(format!("{project}/keys/deploy.ppk"));
            let mut b = Builder::new(path);
            let lines = keys::putty_key(&self.rng);
            let n = lines.len();
            b.lines(lines);
            b.label_range(
                0,
                n - 1,
                &secret_of(
                    Family::PrivateKey,
                    "putty-private-key",
                    "PuTTY-User-Key-File-3",
                ),
            );
            self.push(b);
            return;
        }
        let (kind, lines) = keys::private_key_block(&self.rng);
        let name = match kind {
            "openssh-private-key" => "id_ed25519".to_string(),
            "pgp-private-key" => "signing-key.asc".to_string(),
            _ => format!(
                "{}.pem",
                self.rng
                    .pick(&["server", "tls", "private", "jwt-signing", "client"])
            ),
        };
        let path = self.unique(format!("{project}/certs/{name}"));
        let mut b = Builder::new(path);
        let begin = lines[0].clone();
        let n = lines.len();
        b.lines(lines);
        b.label_range(0, n - 1, &secret_of(Family::PrivateKey, kind, begin));
        self.push(b);
    }

    fn gcp_service_account(&mut self) {
        let project = self.project();
        let path = self.unique(format!("{project}/credentials/service-account.json"));
        let mut b = Builder::new(path);
        let gcp = format!(
            "{}-{}",
            self.rng.pick(&["acme-prod", "data-lake", "ml-platform"]),
            self.rng.range(100000, 999999)
        );
        let body = base64(&keys::pkcs8_der(&self.rng), false);
        let wrapped: Vec<&str> = body
            .as_bytes()
            .chunks(64)
            .map(|c| std::str::from_utf8(c).expect("ascii"))
            .collect();
        let pem = format!(
            "-----BEGIN PRIVATE KEY-----\\n{}\\n-----END PRIVATE KEY-----\\n",
            wrapped.join("\\n")
        );
        let key_id = self.rng.hex(40);
        let client_id = format!(
            "{}",
            self.rng
                .range(100_000_000_000_000_000, 999_999_999_999_999_999)
        );
        b.lines([
            "{".to_string(),
            "  \"type\": \"service_account\",".to_string(),
            format!("  \"project_id\": \"{gcp}\","),
            format!("  \"private_key_id\": \"{key_id}\","),
        ]);
        b.labelled(
            format!("  \"private_key\": \"{pem}\","),
            &secret_of(
                Family::Cloud,
                "gcp-service-account",
                "-----BEGIN PRIVATE KEY-----",
            ),
        );
        b.lines([
            format!("  \"client_email\": \"deployer@{gcp}.iam.gserviceaccount.com\","),
            format!("  \"client_id\": \"{client_id}\","),
            "  \"auth_uri\": \"https://accounts.google.com/o/oauth2/auth\",".to_string(),
            "  \"token_uri\": \"https://oauth2.googleapis.com/token\",".to_string(),
            "  \"auth_provider_x509_cert_url\": \"https://www.googleapis.com/oauth2/v1/certs\""
                .to_string(),
            "}".to_string(),
        ]);
        self.push(b);
    }

    fn kubeconfig(&mut self) {
        let project = self.project();
        let path = self.unique(format!("{project}/deploy/kubeconfig.yaml"));
        let mut b = Builder::new(path);
        let ca = base64(
            format!(
                "-----BEGIN CERTIFICATE-----\nMIIDBTCCAe2gAwIBAgIIY{}\n-----END CERTIFICATE-----\n",
                self.rng.string(900, B64)
            )
            .as_bytes(),
            false,
        );
        let cert = base64(
            format!(
                "-----BEGIN CERTIFICATE-----\nMIIDITCCAgmgAwIBAgII{}\n-----END CERTIFICATE-----\n",
                self.rng.string(900, B64)
            )
            .as_bytes(),
            false,
        );
        let rsa = base64(&keys::rsa_der(&self.rng), false);
        let rsa: Vec<&str> = rsa
            .as_bytes()
            .chunks(64)
            .map(|c| std::str::from_utf8(c).expect("ascii"))
            .collect();
        let pem = format!(
            "-----BEGIN RSA PRIVATE KEY-----\n{}\n-----END RSA PRIVATE KEY-----\n",
            rsa.join("\n")
        );
        let key = base64(pem.as_bytes(), false);
        b.lines(["apiVersion: v1", "kind: Config", "clusters:", "- cluster:"]);
        b.labelled(
            format!("    certificate-authority-data: {ca}"),
            &negative_of(Family::PrivateKey, "certificate", &ca[..40]),
        );
        b.lines([
            "    server: https://k8s.prod.acme-corp.net:6443",
            "  name: prod",
            "users:",
            "- name: deployer",
            "  user:",
        ]);
        b.labelled(
            format!("    client-certificate-data: {cert}"),
            &negative_of(Family::PrivateKey, "certificate", &cert[..40]),
        );
        let line = format!("    client-key-data: {key}");
        b.labelled(line, &secret_of(Family::PrivateKey, KUBECONFIG_KIND, key));
        b.lines([
            "contexts:",
            "- context:",
            "    cluster: prod",
            "    user: deployer",
            "  name: prod",
            "current-context: prod",
        ]);
        self.push(b);
    }

    fn npmrc(&mut self) {
        let project = self.project();
        let path = self.unique(format!("{project}/.npmrc"));
        let mut b = Builder::new(path);
        b.line("registry=https://registry.npmjs.org/");
        b.line("@acme:registry=https://npm.pkg.github.com");
        b.labelled(
            "//npm.pkg.github.com/:_authToken=${GITHUB_TOKEN}",
            &negative_of(Family::Registry, "templating", "${GITHUB_TOKEN}"),
        );
        if self.rng.chance(0.7) {
            let s = shapes::by_id(&self.rng, "npm-access-token");
            b.labelled(
                format!("//registry.npmjs.org/:_authToken={}", s.secret),
                &secret_of(Family::Registry, s.provider, s.secret),
            );
        } else {
            let auth = base64(
                format!("ci-publisher:{}", password(&self.rng)).as_bytes(),
                false,
            );
            b.labelled(
                format!("_auth={auth}"),
                &secret_of(Family::Registry, "npmrc-basic-auth", auth),
            );
        }
        b.line("always-auth=true");
        self.push(b);
    }

    fn pypirc(&mut self) {
        let project = self.project();
        let path = self.unique(format!("{project}/.pypirc"));
        let mut b = Builder::new(path);
        let s = shapes::by_id(&self.rng, "pypi-upload-token");
        b.lines([
            "[distutils]",
            "index-servers =",
            "    pypi",
            "",
            "[pypi]",
            "username = __token__",
        ]);
        b.labelled(
            format!("password = {}", s.secret),
            &secret_of(Family::Registry, s.provider, s.secret),
        );
        self.push(b);
    }

    fn docker_config(&mut self) {
        let project = self.project();
        let path = self.unique(format!("{project}/.docker/config.json"));
        let mut b = Builder::new(path);
        let token = shapes::by_id(&self.rng, "docker-hub-access-token").secret;
        let auth = base64(format!("acmebot:{token}").as_bytes(), false);
        b.lines([
            "{",
            "  \"auths\": {",
            "    \"https://index.docker.io/v1/\": {",
        ]);
        b.labelled(
            format!("      \"auth\": \"{auth}\""),
            &secret_of(Family::Registry, "docker-config-auth", auth),
        );
        b.lines(["    }", "  },", "  \"credsStore\": \"desktop\"", "}"]);
        self.push(b);
    }

    fn git_credentials(&mut self) {
        let project = self.project();
        if self.rng.chance(0.5) {
            let path = self.unique(format!("{project}/.git-credentials"));
            let mut b = Builder::new(path);
            let (id, host) = if self.rng.chance(0.7) {
                ("github-personal-access-token", "github.com")
            } else {
                ("gitlab-personal-access-token", "gitlab.com")
            };
            let s = shapes::by_id(&self.rng, id);
            b.labelled(
                format!("https://ci-bot:{}@{host}", s.secret),
                &secret_of(Family::CodeHosting, "git-credentials", s.secret),
            );
            self.push(b);
        } else {
            let path = self.unique(format!("{project}/ci/.netrc"));
            let mut b = Builder::new(path);
            let s = shapes::by_id(
                &self.rng,
                if self.rng.chance(0.7) {
                    "heroku-api-key"
                } else {
                    "heroku-api-key-legacy"
                },
            );
            b.labelled(
                format!(
                    "machine api.heroku.com login deploy@acme-corp.net password {}",
                    s.secret
                ),
                &secret_of(Family::Cloud, "netrc-password", s.secret),
            );
            b.line("machine git.heroku.com login deploy@acme-corp.net password ${HEROKU_API_KEY}");
            self.push(b);
        }
    }

    fn maven_settings(&mut self) {
        let project = self.project();
        let path = self.unique(format!("{project}/.mvn/settings.xml"));
        let mut b = Builder::new(path);
        let pw = password(&self.rng);
        b.lines([
            "<settings>",
            "  <servers>",
            "    <server>",
            "      <id>ossrh</id>",
            "      <username>acme-deploy</username>",
        ]);
        b.labelled(
            format!("      <password>{pw}</password>"),
            &secret_of(Family::Registry, "maven-server-password", pw),
        );
        b.lines([
            "    </server>",
            "    <server>",
            "      <id>github</id>",
            "      <username>${env.GITHUB_ACTOR}</username>",
        ]);
        b.labelled(
            "      <password>${env.GITHUB_TOKEN}</password>",
            &negative_of(Family::Registry, "templating", "${env.GITHUB_TOKEN}"),
        );
        b.lines(["    </server>", "  </servers>", "</settings>"]);
        self.push(b);
    }

    fn workflow(&mut self) {
        let project = self.project();
        let path = self.unique(format!("{project}/.github/workflows/deploy.yml"));
        let mut b = Builder::new(path);
        let sha = self.rng.hex(40);
        b.lines([
            "name: deploy",
            "on:",
            "  push:",
            "    branches: [main]",
            "jobs:",
            "  deploy:",
            "    runs-on: ubuntu-latest",
            "    steps:",
        ]);
        b.labelled(
            format!("      - uses: actions/checkout@{sha} # v4"),
            &negative_of(Family::CodeHosting, "commit-id", sha),
        );
        b.line("      - name: Deploy");
        b.line("        env:");
        for words in [
            &["aws", "secret", "access", "key"][..],
            &["migosmtp", "api", "key"],
            &["telnxo", "api", "key"],
            &["stripe", "secret", "key"],
        ] {
            let name = super::spell(words, super::Case::UpperSnake);
            b.labelled(
                format!("          {name}: ${{{{ secrets.{name} }}}}"),
                &negative_of(
                    if words[0] == "migosmtp" || words[0] == "telnxo" {
                        Family::MigoTelnxo
                    } else {
                        Family::Generic
                    },
                    "templating",
                    format!("secrets.{name}"),
                ),
            );
        }
        b.line("        run: ./scripts/deploy.sh");
        self.push(b);
    }

    fn pre_commit_config(&mut self) {
        let project = self.project();
        let path = self.unique(format!("{project}/.pre-commit-config.yaml"));
        let mut b = Builder::new(path);
        b.line("repos:");
        for repo in [
            "https://github.com/pre-commit/pre-commit-hooks",
            "https://github.com/psf/black",
            "https://github.com/astral-sh/ruff-pre-commit",
        ] {
            let sha = self.rng.hex(40);
            b.line(format!("  - repo: {repo}"));
            b.labelled(
                format!("    rev: {sha}  # frozen: v{}", self.version()),
                &negative_of(Family::CodeHosting, "commit-id", sha),
            );
            b.line("    hooks:");
            b.line("      - id: check-yaml");
        }
        self.push(b);
    }

    fn k8s_secret(&mut self) {
        let project = self.project();
        let path = self.unique(format!("{project}/k8s/secrets.yaml"));
        let mut b = Builder::new(path);
        b.lines([
            "apiVersion: v1",
            "kind: Secret",
            "metadata:",
            &format!("  name: {project}-secrets"),
            "type: Opaque",
            "stringData:",
        ]);
        for _ in 0..2 {
            let family = self.next_family();
            if family == Family::PrivateKey {
                let (kind, lines) = keys::private_key_block(&self.rng);
                let at = b.lines.len();
                b.line("  tls.key: |");
                for l in &lines {
                    b.line(format!("    {l}"));
                }
                b.label_range(
                    at + 1,
                    b.lines.len() - 1,
                    &secret_of(family, kind, lines[0].clone()),
                );
                continue;
            }
            let s = shapes::secret(&self.rng, family);
            let name = super::spell(&s.words(&self.rng), super::Case::UpperSnake);
            b.labelled(format!("  {name}: \"{}\"", s.value), &secret_item(&s));
        }
        b.line("data:");
        let pw = password(&self.rng);
        let encoded = base64(pw.as_bytes(), false);
        b.labelled(
            format!("  DB_PASSWORD: {encoded}"),
            &secret_of(Family::Database, "k8s-secret-base64", encoded),
        );
        // A provider's key, encoded under its own name, or under any name when its shape alone
        // says what it is.
        let family = *self.rng.pick(&[
            Family::MigoTelnxo,
            Family::Cloud,
            Family::Payment,
            Family::Ai,
            Family::Messaging,
        ]);
        let s = shapes::secret(&self.rng, family);
        let name = if s.bare && self.rng.chance(0.5) {
            self.rng
                .pick(&["credentials", "token", "upstream", "config.value"])
                .to_string()
        } else {
            super::spell(&s.words(&self.rng), super::Case::UpperSnake)
        };
        let encoded = base64(s.value.as_bytes(), false);
        b.labelled(
            format!("  {name}: {encoded}"),
            &secret_of(family, "k8s-secret-base64", encoded),
        );
        b.lines([
            "---",
            "apiVersion: apps/v1",
            "kind: Deployment",
            "spec:",
            "  template:",
            "    spec:",
            "      containers:",
            "        - name: app",
            "          env:",
        ]);
        for words in [&["migosmtp", "api", "key"][..], &["database", "url"]] {
            let name = super::spell(words, super::Case::UpperSnake);
            b.line(format!("            - name: {name}"));
            b.line("              valueFrom:");
            b.line("                secretKeyRef:");
            b.line(format!("                  name: {project}-secrets"));
            b.labelled(
                format!("                  key: {name}"),
                &negative_of(
                    if words[0] == "migosmtp" {
                        Family::MigoTelnxo
                    } else {
                        Family::Database
                    },
                    "secret-reference",
                    format!("key: {name}"),
                ),
            );
        }
        self.push(b);
    }

    fn compose(&mut self) {
        let project = self.project();
        let path = self.unique(format!("{project}/docker-compose.yml"));
        let mut b = Builder::new(path);
        b.lines([
            "services:",
            "  db:",
            "    image: postgres:16",
            "    environment:",
        ]);
        b.labelled(
            "      POSTGRES_PASSWORD: postgres",
            &negative_of(
                Family::Database,
                "local-default-credentials",
                "POSTGRES_PASSWORD: postgres",
            ),
        );
        let digest = format!("sha256:{}", self.rng.hex(64));
        b.line("  app:");
        b.labelled(
            format!("    image: ghcr.io/acme/{project}@{digest}"),
            &negative_of(Family::Generic, "digest", digest),
        );
        b.line("    environment:");
        for words in [
            &["migosmtp", "api", "key"][..],
            &["telnxo", "api", "key"],
            &["sentry", "dsn"],
            &["database", "url"],
        ] {
            let name = super::spell(words, super::Case::UpperSnake);
            let family = if matches!(words[0], "migosmtp" | "telnxo") {
                Family::MigoTelnxo
            } else {
                Family::Generic
            };
            b.labelled(
                format!("      - {name}=${{{name}}}"),
                &negative_of(family, "templating", format!("${{{name}}}")),
            );
        }
        if self.rng.chance(0.5) {
            let s = shapes::secret(&self.rng, Family::MigoTelnxo);
            let name = super::spell(&s.words(&self.rng), super::Case::UpperSnake);
            b.labelled(format!("      - {name}={}", s.value), &secret_item(&s));
        }
        self.push(b);
    }

    fn stylesheet(&mut self) {
        let project = self.project();
        let path = self.unique(format!(
            "{project}/src/styles/{}.css",
            self.rng.pick(&["theme", "main", "buttons", "layout"])
        ));
        let mut b = Builder::new(path);
        b.line(":root {");
        for _ in 0..self.rng.range(4, 8) {
            let (line, item) = negatives::css_line(&self.rng);
            b.labelled(line, &item);
        }
        b.line("}");
        b.line(".logo {");
        let png = format!("data:image/png;base64,{}", negatives::blob(&self.rng));
        b.labelled(
            format!("  background-image: url({png});"),
            &negative_of(Family::Generic, "data-uri", &png[..40]),
        );
        b.line("}");
        self.push(b);
    }

    fn html(&mut self) {
        let project = self.project();
        let path = self.unique(format!("{project}/public/index.html"));
        let mut b = Builder::new(path);
        let sri = format!("sha384-{}", self.sri(48));
        b.lines([
            "<!doctype html>",
            "<html lang=\"en\">",
            "<head>",
            "  <meta charset=\"utf-8\">",
        ]);
        b.labelled(
            "  <meta name=\"csrf-token\" content=\"{{ csrf_token() }}\">",
            &negative_of(Family::Generic, "templating", "{{ csrf_token() }}"),
        );
        b.labelled(format!("  <script src=\"https://cdn.jsdelivr.net/npm/bootstrap@5.3.3/dist/js/bootstrap.bundle.min.js\" integrity=\"{sri}\" crossorigin=\"anonymous\"></script>"), &negative_of(Family::Generic, "subresource-integrity", sri));
        b.lines(["</head>", "<body>"]);
        let gif = format!(
            "data:image/gif;base64,R0lGODlhAQABAIAAAP{}",
            self.rng.string(60, B64)
        );
        b.labelled(
            format!("  <img alt=\"\" src=\"{gif}\">"),
            &negative_of(Family::Generic, "data-uri", &gif[..40]),
        );
        b.lines(["  <div id=\"root\"></div>", "</body>", "</html>"]);
        self.push(b);
    }

    fn public_keys(&mut self) {
        let project = self.project();
        match self.rng.below(4) {
            0 => {
                let path = self.unique(format!("{project}/deploy/authorized_keys"));
                let mut b = Builder::new(path);
                for who in ["alice@laptop", "bob@workstation", "ci@runner"] {
                    let line = if self.rng.chance(0.5) {
                        format!(
                            "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABgQ{} {who}",
                            self.rng.string(540, B64)
                        )
                    } else {
                        format!(
                            "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI{} {who}",
                            self.rng.string(43, B64)
                        )
                    };
                    b.labelled(line, &negative_of(Family::PrivateKey, "public-key", who));
                }
                self.push(b);
            }
            1 | 2 => {
                let (label, name, kind) = if self.rng.chance(0.5) {
                    ("PUBLIC KEY", "public.pem", "public-key")
                } else {
                    ("CERTIFICATE", "ca.crt", "certificate")
                };
                let path = self.unique(format!("{project}/certs/{name}"));
                let mut b = Builder::new(path);
                let begin = format!("-----BEGIN {label}-----");
                b.labelled(begin.clone(), &negative_of(Family::PrivateKey, kind, begin));
                let body = format!(
                    "MII{}",
                    self.rng
                        .string(if label == "CERTIFICATE" { 1200 } else { 390 }, B64)
                );
                for chunk in body.as_bytes().chunks(64) {
                    b.line(String::from_utf8(chunk.to_vec()).expect("ascii"));
                }
                b.line(format!("-----END {label}-----"));
                self.push(b);
            }
            _ => {
                let path = self.unique(format!("{project}/public/.well-known/jwks.json"));
                let mut b = Builder::new(path);
                let n = self.rng.string(342, B64URL);
                let kid = self.rng.string(16, LOWER_ALNUM);
                b.lines([
                    "{".to_string(),
                    "  \"keys\": [".to_string(),
                    "    {".to_string(),
                    "      \"kty\": \"RSA\",".to_string(),
                    format!("      \"kid\": \"{kid}\","),
                    "      \"use\": \"sig\",".to_string(),
                ]);
                b.labelled(
                    format!("      \"n\": \"{n}\","),
                    &negative_of(Family::PrivateKey, "public-key", &n[..20]),
                );
                b.lines(["      \"e\": \"AQAB\"", "    }", "  ]", "}"]);
                self.push(b);
            }
        }
    }

    fn crypto_tests(&mut self) {
        let project = self.project();
        let path = self.unique(format!("{project}/tests/test_crypto_vectors.py"));
        let mut b = Builder::new(path);
        b.lines([
            "\"\"\"Known-answer tests from FIPS 180-4, FIPS 197, RFC 4231 and RFC 8032.\"\"\"",
            "import hashlib",
            "",
        ]);
        for _ in 0..self.rng.range(4, 7) {
            let (line, item) = loop {
                let (line, item) = negatives::line(&self.rng, Lang::Python);
                if item.kind == "test-vector" {
                    break (line, item);
                }
            };
            b.labelled(line, &item);
        }
        b.lines([
            "",
            "def test_sha256_empty():",
            "    assert hashlib.sha256(b\"\").hexdigest() == EXPECTED_DIGEST",
        ]);
        self.push(b);
    }

    fn locale(&mut self) {
        let project = self.project();
        let path = self.unique(format!(
            "{project}/src/locales/{}.json",
            self.rng.pick(&["en", "de", "fr"])
        ));
        let mut b = Builder::new(path);
        b.line("{");
        let entries = [
            ("auth.password.label", "Password"),
            ("auth.password.forgot", "Forgot your password?"),
            ("auth.token.expired", "Your session token has expired."),
            ("settings.apiKey.title", "API keys"),
            (
                "settings.apiKey.help",
                "Create a secret key to call the API from your server.",
            ),
            ("settings.apiKey.revoke", "Revoke key"),
        ];
        for (i, (k, v)) in entries.iter().enumerate() {
            let comma = if i + 1 == entries.len() { "" } else { "," };
            b.labelled(
                format!("  \"{k}\": \"{v}\"{comma}"),
                &negative_of(Family::Generic, "identifier", *k),
            );
        }
        b.line("}");
        self.push(b);
    }

    fn wp_config(&mut self) {
        let project = self.project();
        let path = self.unique(format!("{project}/wordpress/wp-config.php"));
        let mut b = Builder::new(path);
        b.lines([
            "<?php",
            "define( 'DB_NAME', 'wordpress' );",
            "define( 'DB_USER', 'wp_admin' );",
        ]);
        let pw = password(&self.rng);
        b.labelled(
            format!("define( 'DB_PASSWORD', '{pw}' );"),
            &secret_of(Family::Database, "database-password", pw),
        );
        b.line("define( 'DB_HOST', 'localhost' );");
        for name in ["AUTH_KEY", "SECURE_AUTH_KEY", "LOGGED_IN_KEY", "NONCE_SALT"] {
            let salt = shapes::by_id(&self.rng, "wordpress-salt").secret;
            b.labelled(
                format!("define( '{name}', '{salt}' );"),
                &secret_of(Family::Generic, "wordpress-salt", salt),
            );
        }
        b.line("$table_prefix = 'wp_';");
        self.push(b);
    }
}

/// A password in the shape of the catalog's `generic-password` examples.
fn password(rng: &Rng) -> String {
    shapes::by_id(rng, "generic-password").secret
}

/// Removes the trailing comma of the last entry before each closing brace.
fn fix_json_commas(lines: &mut [String]) {
    for i in 0..lines.len() {
        let closes = lines[i + 1..]
            .iter()
            .find(|l| !l.trim().is_empty())
            .is_some_and(|l| l.trim_start().starts_with('}'));
        if closes && lines[i].ends_with(',') {
            lines[i].pop();
        }
    }
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
        .unwrap_or_default()
}
