//! Which field names hold secrets. A name is folded first (lowercased, without the separators
//! `_`, `-`, `.`, `/` and spaces, without trailing digits), so that `x-amz-security-token`,
//! `DB_PASSWORD_2` and `PasswordText` are judged like `securitytoken`, `dbpassword` and
//! `passwordtext`. The test runs for every key of every event, so it allocates nothing.

/// A folded name that ends in one of these holds a secret.
const SECRET_SUFFIXES: &[&str] = &[
    "password",
    "passwd",
    "pwd",
    "passphrase",
    "secret",
    "secrets",
    "secretkey",
    "secretaccesskey",
    "secretbinary",
    "privatekey",
    "apikey",
    "customerkey",
    "token",
    "tokencode",
    "authorization",
    "userdata",
    "plaintext",
    "keymaterial",
    "credentials",
];

/// Words that may follow a secret word and still name the secret itself: `PasswordText`,
/// `privateKeyPem`, `secretString`, `tokenValue`, `passwordData`.
const CARRIERS: &[&str] = &[
    "text", "value", "pem", "string", "data", "b64", "base64", "hash",
];

/// Folded names that end in a secret word but name no secret: request and pagination tokens
/// are public identifiers.
const NOT_SECRET: &[&str] = &[
    "clienttoken",
    "requesttoken",
    "idempotencytoken",
    "nexttoken",
    "pagetoken",
    "paginationtoken",
    "continuationtoken",
    "starttoken",
    "startingtoken",
];

/// How many folded characters, from the end, are compared: more than the longest suffix and
/// carrier together.
const TAIL: usize = 40;

/// Separators a name may use between its words.
fn separator(c: char) -> bool {
    matches!(c, '_' | '-' | '.' | '/' | ' ')
}

/// The last [`TAIL`] characters of `key`, folded and without its trailing digits, in reverse
/// order.
struct Folded {
    chars: [char; TAIL],
    len: usize,
}

impl Folded {
    fn new(key: &str) -> Self {
        let mut chars = ['\0'; TAIL];
        let mut len = 0;
        let folded = key.chars().rev().filter(|c| !separator(*c));
        for c in folded.skip_while(char::is_ascii_digit) {
            for lower in c.to_lowercase().rev() {
                if let Some(slot) = chars.get_mut(len) {
                    *slot = lower;
                    len += 1;
                }
            }
            if len >= TAIL {
                break;
            }
        }
        Self { chars, len }
    }

    fn reversed(&self) -> &[char] {
        self.chars.get(..self.len).unwrap_or_default()
    }
}

/// Whether the reversed folded name `tail` ends in `word`.
fn ends_with(tail: &[char], word: &str) -> bool {
    word.len() <= tail.len() && word.chars().rev().zip(tail).all(|(a, b)| a == *b)
}

fn secret_tail(tail: &[char]) -> bool {
    SECRET_SUFFIXES.iter().any(|s| ends_with(tail, s))
        && !NOT_SECRET.iter().any(|s| ends_with(tail, s))
}

/// Whether a field (or a name/value pair, or a `key=value` inside a string) named `key` holds
/// a secret.
pub fn secret_name(key: &str) -> bool {
    let folded = Folded::new(key);
    let tail = folded.reversed();
    secret_tail(tail)
        || CARRIERS.iter().any(|carrier| {
            ends_with(tail, carrier)
                && tail
                    .get(carrier.len()..)
                    .is_some_and(|rest| !rest.is_empty() && secret_tail(rest))
        })
}

/// Whether `key`, ASCII-lowercased and without separators, is `folded`.
pub fn is(key: &str, folded: &str) -> bool {
    let mut want = folded.chars();
    for c in key.chars().filter(|c| !separator(*c)) {
        if want.next() != Some(c.to_ascii_lowercase()) {
            return false;
        }
    }
    want.next().is_none()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The same rule, written the obvious way over the whole folded name.
    fn reference(key: &str) -> bool {
        let folded: String = key
            .chars()
            .filter(|c| !separator(*c))
            .flat_map(char::to_lowercase)
            .collect();
        let tail = folded.trim_end_matches(|c: char| c.is_ascii_digit());
        let secret = |t: &str| {
            SECRET_SUFFIXES.iter().any(|s| t.ends_with(s))
                && !NOT_SECRET.iter().any(|s| t.ends_with(s))
        };
        secret(tail)
            || CARRIERS.iter().any(|c| {
                tail.strip_suffix(c)
                    .is_some_and(|rest| !rest.is_empty() && secret(rest))
            })
    }

    #[test]
    fn names_the_issue_lists_are_secret() {
        for key in [
            "Authorization",
            "authorization",
            "apiKey",
            "x-api-key",
            "API_KEY",
            "token",
            "Token",
            "x-amz-security-token",
            "X-Amz-Security-Token",
            "sessionToken",
            "secretKey",
            "SECRET_KEY",
            "passwd",
            "pwd",
            "DB_PWD",
            "privateKeyPem",
            "private_key_pem",
            "password2",
            "PASSWORD_2",
            "PasswordText",
            "password_text",
            "MasterUserPassword",
            "clientSecret",
            "secrets",
            "secretString",
            "/prod/db/password",
            "--password",
            "tokenCode",
        ] {
            assert!(secret_name(key), "{key}");
        }
    }

    #[test]
    fn names_that_only_look_secret_are_kept() {
        for key in [
            "pwdLastSet",
            "passwordLastUsed",
            "minimumPasswordLength",
            "passwordReusePrevention",
            "httpTokens",
            "clientToken",
            "ClientRequestToken",
            "nextToken",
            "secretId",
            "secretArn",
            "kmsKeyId",
            "accessKeyId",
            "authorizationType",
            "bypass",
            "SinglePass",
            "MYSQL_PASS",
            "tokenCount",
            "userName",
            "policyDocument",
            "",
            "2",
        ] {
            assert!(!secret_name(key), "{key}");
        }
    }

    #[test]
    fn folded_equality_ignores_case_and_separators() {
        assert!(is("Environment", "environment"));
        assert!(is("environment_variables", "environmentvariables"));
        assert!(is("ParameterValue", "parametervalue"));
        assert!(!is("environments", "environment"));
        assert!(!is("env", "environment"));
    }

    proptest::proptest! {
        /// The allocation-free test agrees with folding the whole key.
        #[test]
        fn secret_names_agree_with_folding_the_whole_key(
            key in "(?i)[a-z_İK/ -]{0,6}(password|secret|pwd|pass|private-key|client|next|token|userdata|x)?(text|value|pem|_?[0-9]{1,50})?[_ -]?"
        ) {
            proptest::prop_assert_eq!(secret_name(&key), reference(&key), "{}", key);
        }
    }
}
