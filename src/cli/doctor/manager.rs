//! Rule 10: production reads secrets from a manager. A local tool can only see whether the code
//! uses one (by its client libraries or config files); a warning, never a failure.

use super::model::{list, Verdict};
use super::tracked::TrackedFile;
use aho_corasick::AhoCorasick;

/// A secrets manager and the strings its client code or config contains.
const MANAGERS: &[(&str, &[&str])] = &[
    (
        "HashiCorp Vault",
        &["hvac", "hashicorp/vault", "vault-client", "VAULT_ADDR"],
    ),
    (
        "AWS Secrets Manager",
        &[
            "client-secrets-manager",
            "secretsmanager",
            "SecretsManager",
            "GetSecretValue",
        ],
    ),
    (
        "Azure Key Vault",
        &[
            "azure-keyvault",
            "keyvault-secrets",
            "azure.keyvault",
            "Azure.Security.KeyVault",
        ],
    ),
    (
        "GCP Secret Manager",
        &[
            "google-cloud-secret-manager",
            "secretmanager.googleapis",
            "cloud.google.com/go/secretmanager",
            "@google-cloud/secret-manager",
        ],
    ),
    ("Doppler", &["doppler run", "@dopplerhq", "DOPPLER_TOKEN"]),
    ("1Password CLI", &["op://", "op run", "@1password/sdk"]),
    ("SOPS", &["sops:", "sops --decrypt", "sops -d"]),
];

pub fn check(tracked: &[TrackedFile]) -> Verdict {
    const ID: &str = "secrets-manager";
    let patterns: Vec<&str> = MANAGERS
        .iter()
        .flat_map(|(_, p)| p.iter().copied())
        .collect();
    let owner: Vec<usize> = MANAGERS
        .iter()
        .enumerate()
        .flat_map(|(i, (_, p))| std::iter::repeat_n(i, p.len()))
        .collect();
    let matcher = AhoCorasick::new(&patterns).expect("literals build a matcher");
    let mut seen = vec![None::<String>; MANAGERS.len()];
    for file in tracked {
        if file.display.ends_with(".sops.yaml") {
            seen[MANAGERS.len() - 1].get_or_insert_with(|| file.display.clone());
        }
        for m in matcher.find_iter(&file.text) {
            seen[owner[m.pattern().as_usize()]].get_or_insert_with(|| file.display.clone());
        }
    }
    let used: Vec<String> = seen
        .iter()
        .enumerate()
        .filter_map(|(i, file)| Some(format!("{} ({})", MANAGERS[i].0, file.as_ref()?)))
        .collect();
    if used.is_empty() {
        Verdict::warn(
            ID,
            10,
            "no secrets manager is used by the tracked code or config: production reads keys from \
             .env files or the environment only",
            "in production, read keys from a secrets manager (AWS Secrets Manager, Vault, Azure \
             Key Vault, GCP Secret Manager, Doppler, 1Password, SOPS)",
        )
    } else {
        Verdict::pass(ID, 10, format!("the code uses {}", list(&used)))
    }
}
