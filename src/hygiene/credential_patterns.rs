//! Which paths are credential files, and of which format: the built-in list, extended by
//! `[credentials] files` in `.keygate.toml`, matched like the `.env` names (see `patterns`).

use super::patterns::Matcher;
use crate::config::{Config, CredentialsConfig};
use crate::error::Result;

/// The format of a credential file: which values in it are credentials, and whether the file is
/// one whatever it holds or only when it holds a credential.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CredentialFormat {
    /// `.netrc` / `_netrc`: `machine … login … password …` (and `.esmtprc`, whose `password`
    /// is written the same way).
    Netrc,
    /// `.git-credentials`: one `https://user:password@host` a line.
    GitCredentials,
    /// `.pgpass`: `host:port:database:user:password`.
    Pgpass,
    /// `.my.cnf`: an INI file; a credential file only with a `password`.
    MyCnf,
    /// `.npmrc`: only with `_authToken`, `_auth` or `_password` (a `${VAR}` reference is not one).
    Npmrc,
    /// `.pypirc`: only with a `password`.
    Pypirc,
    /// `.dockercfg`, `.docker/config.json`: only with an `auth` (or identity token) value.
    Docker,
    /// `.s3cfg`: s3cmd's `access_key` / `secret_key`.
    S3cfg,
    /// `.aws/credentials`: `aws_secret_access_key`, `aws_session_token`.
    AwsCredentials,
    /// A private key file: `id_rsa`, `id_ed25519`, …, PuTTY `*.ppk`; the whole file is the key.
    PrivateKey,
    /// Rails `master.key`, `config/credentials/*.key`: the whole file is the key.
    RailsKey,
    /// `.htpasswd`: `user:hash`.
    Htpasswd,
    /// Terraform state: every secret-named value.
    Tfstate,
    /// Java and PKCS#12 keystores (binary; not read).
    Keystore,
    /// A kubeconfig: only with a `token`, `client-key-data`, `password`, … value.
    Kubeconfig,
    /// FileZilla's `sitemanager.xml` / `recentservers.xml`: only with a `<Pass>`.
    FileZilla,
    /// `WinSCP.ini`: only with a `Password=`.
    WinScp,
    /// Editor and client connection settings in JSON (Sublime SFTP's `sftp-config.json`, VS
    /// Code's `.vscode/sftp.json`, Atom's `.ftpconfig` and `.remote-sync.json`, Robo 3T's
    /// `robomongo.json`): only with a password or passphrase value.
    JsonPasswords,
    /// Firefox's saved logins (`logins.json`): only with an `encryptedPassword` (the name is
    /// too common to take any `password` in it for Firefox's).
    FirefoxLogins,
    /// `/etc/shadow`-style files (`etc/shadow`, ProFTPD's `proftpdpasswd`): `user:hash:…`; only
    /// with a password hash (a shadow file of locked accounts, as container images ship, is
    /// not a credential file).
    Shadow,
    /// A file named by `[credentials] files`: a credential file whatever it holds.
    Custom,
}

impl CredentialFormat {
    /// Whether a file of this format is a credential file whatever it holds; else only when it
    /// holds a credential value.
    pub fn always(self) -> bool {
        !matches!(
            self,
            Self::MyCnf
                | Self::Npmrc
                | Self::Pypirc
                | Self::Docker
                | Self::Kubeconfig
                | Self::FileZilla
                | Self::WinScp
                | Self::JsonPasswords
                | Self::FirefoxLogins
                | Self::Shadow
        )
    }

    /// Whether files of this format are binary (not read for values).
    pub fn binary(self) -> bool {
        self == Self::Keystore
    }
}

/// The built-in credential files, in match order (the first glob that matches names the format).
pub const DEFAULT_CREDENTIAL_FILES: &[(&str, CredentialFormat)] = {
    use CredentialFormat::*;
    &[
        (".netrc", Netrc),
        ("_netrc", Netrc),
        (".git-credentials", GitCredentials),
        (".pgpass", Pgpass),
        (".my.cnf", MyCnf),
        (".npmrc", Npmrc),
        (".pypirc", Pypirc),
        (".dockercfg", Docker),
        ("**/.docker/config.json", Docker),
        (".s3cfg", S3cfg),
        ("**/.aws/credentials", AwsCredentials),
        ("id_rsa", PrivateKey),
        ("id_dsa", PrivateKey),
        ("id_ecdsa", PrivateKey),
        ("id_ecdsa_sk", PrivateKey),
        ("id_ed25519", PrivateKey),
        ("id_ed25519_sk", PrivateKey),
        ("*.ppk", PrivateKey),
        ("master.key", RailsKey),
        ("**/config/credentials/*.key", RailsKey),
        (".htpasswd", Htpasswd),
        ("*.tfstate", Tfstate),
        ("*.tfstate.backup", Tfstate),
        ("*.keystore", Keystore),
        ("*.jks", Keystore),
        ("*.p12", Keystore),
        ("*.pfx", Keystore),
        ("kubeconfig", Kubeconfig),
        ("kubeconfig.yaml", Kubeconfig),
        ("kubeconfig.yml", Kubeconfig),
        ("*.kubeconfig", Kubeconfig),
        ("**/.kube/config", Kubeconfig),
        ("sitemanager.xml", FileZilla),
        ("recentservers.xml", FileZilla),
        ("WinSCP.ini", WinScp),
        ("winscp.ini", WinScp),
        ("sftp-config.json", JsonPasswords),
        ("**/.vscode/sftp.json", JsonPasswords),
        (".ftpconfig", JsonPasswords),
        (".remote-sync.json", JsonPasswords),
        ("robomongo.json", JsonPasswords),
        ("robo3t.json", JsonPasswords),
        ("logins.json", FirefoxLogins),
        ("key3.db", Keystore),
        ("key4.db", Keystore),
        ("filezilla.xml", FileZilla),
        (".esmtprc", Netrc),
        ("**/etc/shadow", Shadow),
        ("proftpdpasswd", Shadow),
    ]
};

/// Which paths are credential files: the built-in list, then the config's globs.
pub struct CredentialPatterns {
    files: Matcher,
    /// The format of each glob of `files`, by index.
    formats: Vec<CredentialFormat>,
}

impl CredentialPatterns {
    /// The built-in list extended by `[credentials] files`.
    pub fn new(config: &CredentialsConfig) -> std::result::Result<CredentialPatterns, String> {
        let mut globs: Vec<String> = Vec::new();
        let mut formats = Vec::new();
        for (glob, format) in DEFAULT_CREDENTIAL_FILES {
            globs.push(glob.to_string());
            formats.push(*format);
        }
        for glob in &config.files {
            globs.push(glob.clone());
            formats.push(CredentialFormat::Custom);
        }
        Ok(CredentialPatterns {
            files: Matcher::new(globs, DEFAULT_CREDENTIAL_FILES.len())
                .map_err(|e| format!("credentials.files: {e}"))?,
            formats,
        })
    }

    pub fn from_config(config: &Config) -> Result<CredentialPatterns> {
        CredentialPatterns::new(&config.credentials).map_err(|e| config.error(e))
    }

    /// The format of `rel` (`/`-separated, from the root) when it is named as a credential file.
    /// Every path of the index and of the working tree goes through here on each check.
    pub fn classify(&self, rel: &str) -> Option<CredentialFormat> {
        if !self.files.is_match(rel) {
            return None;
        }
        self.files.first_index(rel).map(|i| self.formats[i])
    }

    /// The list, for [`super::patterns::AnyName`].
    pub(super) fn list(&self) -> &Matcher {
        &self.files
    }

    /// The glob that names `rel`: the line `.gitignore` needs for it.
    pub fn file_glob_for(&self, rel: &str) -> Option<&str> {
        self.files.first_match(rel)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credential_name_table() {
        use CredentialFormat::*;
        let patterns = CredentialPatterns::new(&CredentialsConfig {
            files: vec!["*.vault".into(), "deploy/secrets.yml".into()],
        })
        .unwrap();
        let cases: &[(&str, Option<CredentialFormat>)] = &[
            (".netrc", Some(Netrc)),
            // Names match whatever the case, as `.ENV` is a `.env` file.
            ("home/.NETRC", Some(Netrc)),
            ("keys/ID_RSA", Some(PrivateKey)),
            ("home/_netrc", Some(Netrc)),
            (".git-credentials", Some(GitCredentials)),
            ("db/.pgpass", Some(Pgpass)),
            (".my.cnf", Some(MyCnf)),
            ("web/.npmrc", Some(Npmrc)),
            (".pypirc", Some(Pypirc)),
            (".dockercfg", Some(Docker)),
            (".docker/config.json", Some(Docker)),
            ("ci/.docker/config.json", Some(Docker)),
            ("config.json", None),
            (".s3cfg", Some(S3cfg)),
            (".aws/credentials", Some(AwsCredentials)),
            ("x/.aws/credentials", Some(AwsCredentials)),
            ("credentials", None),
            (".aws/config", None),
            ("id_rsa", Some(PrivateKey)),
            ("keys/id_ed25519", Some(PrivateKey)),
            ("id_rsa.pub", None),
            ("id_ed25519.pub", None),
            ("putty/server.ppk", Some(PrivateKey)),
            ("config/master.key", Some(RailsKey)),
            ("config/credentials/production.key", Some(RailsKey)),
            ("apps/a/config/credentials/staging.key", Some(RailsKey)),
            ("config/credentials/production.yml.enc", None),
            ("server.key", None),
            (".htpasswd", Some(Htpasswd)),
            ("infra/terraform.tfstate", Some(Tfstate)),
            ("terraform.tfstate.backup", Some(Tfstate)),
            ("main.tf", None),
            ("android/app/release.keystore", Some(Keystore)),
            ("server.jks", Some(Keystore)),
            ("client.p12", Some(Keystore)),
            ("cert.pfx", Some(Keystore)),
            ("kubeconfig", Some(Kubeconfig)),
            ("prod.kubeconfig", Some(Kubeconfig)),
            (".kube/config", Some(Kubeconfig)),
            ("kubeconfig.go", None),
            ("sitemanager.xml", Some(FileZilla)),
            ("WinSCP.ini", Some(WinScp)),
            ("sftp-config.json", Some(JsonPasswords)),
            (".vscode/sftp.json", Some(JsonPasswords)),
            ("sftp.json", None),
            (".ftpconfig", Some(JsonPasswords)),
            ("profile/logins.json", Some(FirefoxLogins)),
            ("filezilla/filezilla.xml", Some(FileZilla)),
            (".esmtprc", Some(Netrc)),
            ("etc/shadow", Some(Shadow)),
            ("docs/shadow", None),
            ("proftpdpasswd", Some(Shadow)),
            ("team.vault", Some(Custom)),
            ("deploy/secrets.yml", Some(Custom)),
            ("other/deploy/secrets.yml", None),
            (".env", None),
            ("src/netrc.rs", None),
            ("README.md", None),
        ];
        for (path, want) in cases {
            assert_eq!(patterns.classify(path), *want, "{path}");
        }
        assert_eq!(patterns.file_glob_for("a/.pgpass"), Some(".pgpass"));
        assert_eq!(
            patterns.file_glob_for("a/.docker/config.json"),
            Some("**/.docker/config.json")
        );
        assert_eq!(patterns.file_glob_for("x.tfstate"), Some("*.tfstate"));
        assert!(CredentialPatterns::new(&CredentialsConfig {
            files: vec!["[".into()]
        })
        .is_err());
    }
}
