//! Secrets inside a string value: the password of a URL's userinfo (`postgres://u:PASS@h`),
//! `key=value` and `key: value` pairs whose key names a secret (connection strings, JDBC
//! query parameters, command lines, YAML, headers), Oracle's `user/PASS@host`, and the body of
//! a PEM private key. The rest of the string is kept. A hand-written scan over the bytes: it
//! allocates only when it finds something, and every string of every event goes through it.

use super::REDACTED;
use super::names::secret_name;

/// `s` with its secrets replaced by [`REDACTED`], or `None` when it holds none.
pub fn scrub(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut found: Vec<(usize, usize)> = Vec::new();
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        let hit = match b {
            b':' if bytes.get(i + 1..i + 3) == Some(b"//") => url_password(bytes, i),
            b':' => colon_value(bytes, i),
            b'=' => equals_value(bytes, i),
            b'-' if bytes.get(i..i + 11) == Some(b"-----BEGIN ") => pem_body(bytes, i),
            _ => None,
        };
        match hit.filter(|(start, end)| start < end) {
            // Scanning on from the end of what was found keeps the scan linear.
            Some((start, end)) => {
                match found.last_mut() {
                    Some(last) if start <= last.1 => last.1 = last.1.max(end),
                    _ => found.push((start, end)),
                }
                i = end.max(i + 1);
            }
            None => i += 1,
        }
    }
    if found.is_empty() {
        return None;
    }
    // Every position found is next to an ASCII byte, so on a character boundary; were one
    // not, the whole string would go rather than a secret survive.
    let mut out = String::with_capacity(s.len());
    let mut at = 0;
    for (start, end) in found {
        let Some(kept) = s.get(at..start) else {
            return Some(REDACTED.to_owned());
        };
        out.push_str(kept);
        out.push_str(REDACTED);
        at = end;
    }
    out.push_str(s.get(at..).unwrap_or_default());
    Some(out)
}

fn key_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.')
}

fn quote(b: u8) -> bool {
    matches!(b, b'"' | b'\'')
}

/// The key that ends just before `end` (a bare word, or a quoted one) and whether it was quoted.
fn key_before(bytes: &[u8], end: usize) -> Option<(&str, bool)> {
    let head = bytes.get(..end)?;
    if let Some(&q) = head.last().filter(|b| quote(**b)) {
        let inner = head.get(..end - 1)?;
        let open = inner.iter().rposition(|b| *b == q)?;
        let key = std::str::from_utf8(inner.get(open + 1..)?).ok()?;
        return Some((key, true));
    }
    let start = head
        .iter()
        .rposition(|b| !key_byte(*b))
        .map_or(0, |p| p + 1);
    let key = std::str::from_utf8(head.get(start..)?).ok()?;
    Some((key, false)).filter(|(k, _)| !k.is_empty())
}

/// The value that starts at or after `from` (after blanks): a quoted value up to its closing
/// quote, a `{...}` value up to `}`, or up to the first byte `stop` accepts.
fn value_after(bytes: &[u8], from: usize, stop: fn(u8) -> bool) -> Option<(usize, usize)> {
    let start = from
        + bytes
            .get(from..)?
            .iter()
            .take_while(|b| matches!(b, b' ' | b'\t'))
            .count();
    let first = *bytes.get(start)?;
    let closing = match first {
        b'"' | b'\'' => Some(first),
        b'{' => Some(b'}'),
        _ => None,
    };
    if let Some(close) = closing {
        let mut end = start + 1;
        while let Some(&b) = bytes.get(end) {
            if b == b'\\' && close != b'}' {
                end += 2;
                continue;
            }
            if b == close {
                break;
            }
            end += 1;
        }
        return Some((start + 1, end.min(bytes.len())));
    }
    let len = bytes
        .get(start..)?
        .iter()
        .take_while(|b| !stop(**b))
        .count();
    Some((start, start + len))
}

/// `password=VALUE`, `Password = VALUE;`, `--password=VALUE`, `?password=VALUE&`.
fn equals_value(bytes: &[u8], at: usize) -> Option<(usize, usize)> {
    let blanks = bytes
        .get(..at)?
        .iter()
        .rev()
        .take_while(|b| **b == b' ')
        .count();
    let (key, _) = key_before(bytes, at - blanks)?;
    if !secret_name(key) {
        return None;
    }
    let (start, end) = value_after(bytes, at + 1, |b| {
        b.is_ascii_whitespace() || matches!(b, b';' | b'&' | b'"' | b'\'')
    })?;
    Some((start, with_credential(bytes, start, end)))
}

/// After an authorization scheme (`Bearer`, `Basic`, ...), the credential that follows it.
fn with_credential(bytes: &[u8], start: usize, end: usize) -> usize {
    let word = bytes.get(start..end).unwrap_or_default();
    let scheme = ["bearer", "basic", "token", "digest", "negotiate"]
        .iter()
        .any(|s| word.eq_ignore_ascii_case(s.as_bytes()));
    if !scheme {
        return end;
    }
    let rest = bytes.get(end..).unwrap_or_default();
    let blanks = rest.iter().take_while(|b| **b == b' ').count();
    let credential = rest
        .get(blanks..)
        .unwrap_or_default()
        .iter()
        .take_while(|b| !(b.is_ascii_whitespace() || matches!(b, b';' | b'&' | b'"' | b'\'')))
        .count();
    end + blanks + credential
}

/// `password: VALUE` (YAML, headers) and `"password":"VALUE"` (JSON that did not parse), and
/// Oracle's `thin:user/PASSWORD@host`. A bare key needs a blank after the colon, so that ARNs
/// (`arn:aws:secretsmanager:...:secret:name`) and actions (`s3:GetObject`) are left alone.
fn colon_value(bytes: &[u8], at: usize) -> Option<(usize, usize)> {
    let (key, quoted) = key_before(bytes, at)?;
    if key.eq_ignore_ascii_case("thin") {
        return oracle_password(bytes, at + 1);
    }
    let blank = bytes.get(at + 1).is_some_and(u8::is_ascii_whitespace);
    if !(quoted || blank) || !secret_name(key) {
        return None;
    }
    value_after(bytes, at + 1, |b| {
        matches!(b, b'\n' | b'\r' | b';' | b'&' | b'"' | b'\'')
    })
}

/// `jdbc:oracle:thin:scott/PASSWORD@host`: the password between `/` and `@`.
fn oracle_password(bytes: &[u8], from: usize) -> Option<(usize, usize)> {
    let rest = bytes.get(from..)?;
    let len = rest
        .iter()
        .take_while(|b| !(b.is_ascii_whitespace() || quote(**b) || matches!(b, b';' | b':')))
        .count();
    let part = rest.get(..len)?;
    let at = part.iter().rposition(|b| *b == b'@')?;
    let slash = part.get(..at)?.iter().position(|b| *b == b'/')?;
    Some((from + slash + 1, from + at))
}

/// `scheme://user:PASSWORD@host`: the password, or the whole userinfo when it has none (a
/// token is often passed as the user name, `https://TOKEN@github.com`).
fn url_password(bytes: &[u8], colon: usize) -> Option<(usize, usize)> {
    let scheme = bytes
        .get(..colon)?
        .iter()
        .rev()
        .take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'.' | b'-'))
        .count();
    if scheme == 0 {
        return None;
    }
    let start = colon + 3;
    let authority = bytes.get(start..)?;
    let len = authority
        .iter()
        .take_while(|b| {
            !(b.is_ascii_whitespace()
                || quote(**b)
                || matches!(b, b'/' | b'?' | b'#' | b'<' | b'>'))
        })
        .count();
    let at = authority.get(..len)?.iter().rposition(|b| *b == b'@')?;
    let userinfo = authority.get(..at)?;
    match userinfo.iter().position(|b| *b == b':') {
        Some(sep) => Some((start + sep + 1, start + at)),
        None => Some((start, start + at)),
    }
}

/// `-----BEGIN ... PRIVATE KEY-----` up to its `-----END`: the body of the key.
fn pem_body(bytes: &[u8], begin: usize) -> Option<(usize, usize)> {
    let header = bytes.get(begin + 11..)?;
    let close = find(header, b"-----")?;
    find(header.get(..close)?, b"PRIVATE KEY")?;
    let start = begin + 11 + close + 5;
    let body = bytes.get(start..)?;
    let end = find(body, b"-----END").map_or(bytes.len(), |e| start + e);
    Some((start, end))
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scrubbed(s: &str) -> String {
        scrub(s).unwrap_or_else(|| s.to_owned())
    }

    #[test]
    fn url_credentials_keep_scheme_user_and_host() {
        assert_eq!(
            scrubbed("postgres://app:hunter2@db.example.com:5432/orders"),
            "postgres://app:[REDACTED]@db.example.com:5432/orders"
        );
        assert_eq!(
            scrubbed("see mongodb+srv://u:p@ss@cluster0.example.net/x?w=1"),
            "see mongodb+srv://u:[REDACTED]@cluster0.example.net/x?w=1"
        );
        assert_eq!(
            scrubbed("redis://:s3cr3t@cache:6379"),
            "redis://:[REDACTED]@cache:6379"
        );
        assert_eq!(
            scrubbed("https://ghp_abc123@github.com/o/r.git"),
            "https://[REDACTED]@github.com/o/r.git"
        );
        assert_eq!(scrub("https://example.com/@user?a=b"), None);
    }

    #[test]
    fn connection_strings_lose_their_passwords() {
        assert_eq!(
            scrubbed("Server=db;Database=app;User Id=sa;Password=Pa55w0rd!;Encrypt=true"),
            "Server=db;Database=app;User Id=sa;Password=[REDACTED];Encrypt=true"
        );
        assert_eq!(
            scrubbed("host=db user=app pwd=abc123 dbname=x"),
            "host=db user=app pwd=[REDACTED] dbname=x"
        );
        assert_eq!(
            scrubbed("Driver={ODBC};PWD={p;w d};UID=x"),
            "Driver={ODBC};PWD={[REDACTED]};UID=x"
        );
        assert_eq!(
            scrubbed("psql --password = 'a b' -h x"),
            "psql --password = '[REDACTED]' -h x"
        );
    }

    #[test]
    fn jdbc_urls_lose_their_passwords() {
        assert_eq!(
            scrubbed("jdbc:postgresql://db:5432/app?user=app&password=s3cr3t&ssl=true"),
            "jdbc:postgresql://db:5432/app?user=app&password=[REDACTED]&ssl=true"
        );
        assert_eq!(
            scrubbed("jdbc:sqlserver://db:1433;databaseName=x;user=sa;password=s3cr3t;"),
            "jdbc:sqlserver://db:1433;databaseName=x;user=sa;password=[REDACTED];"
        );
        assert_eq!(
            scrubbed("jdbc:oracle:thin:scott/tiger@db:1521:orcl"),
            "jdbc:oracle:thin:scott/[REDACTED]@db:1521:orcl"
        );
    }

    #[test]
    fn headers_yaml_and_broken_json_lose_their_values() {
        assert_eq!(
            scrubbed("Authorization: Bearer abc.def\nAccept: */*"),
            "Authorization: [REDACTED]\nAccept: */*"
        );
        assert_eq!(
            scrubbed("curl -H Authorization=Bearer abc.def x"),
            "curl -H Authorization=[REDACTED] x"
        );
        assert_eq!(
            scrubbed("db:\n  MasterUserPassword: hunter2\n  port: 5432"),
            "db:\n  MasterUserPassword: [REDACTED]\n  port: 5432"
        );
        assert_eq!(
            scrubbed(r#"{"apiKey":"k\"1", "truncated"#),
            r#"{"apiKey":"[REDACTED]", "truncated"#
        );
    }

    #[test]
    fn private_key_bodies_are_redacted() {
        assert_eq!(
            scrubbed("k=-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----"),
            "k=-----BEGIN RSA PRIVATE KEY-----[REDACTED]-----END RSA PRIVATE KEY-----"
        );
        assert_eq!(
            scrub("-----BEGIN CERTIFICATE-----\nMIIE\n-----END CERTIFICATE-----"),
            None
        );
    }

    #[test]
    fn policy_text_is_left_alone() {
        for s in [
            "arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db/password-AbCdEf",
            "arn:aws:ssm:us-east-1:123456789012:parameter/prod/token",
            "secretsmanager:GetSecretValue",
            "10.0.0.0/8",
            "aws:SecureTransport",
            "s3://bucket/key=value/part",
            "dGVzdA==",
            "a=b; c=d",
            "",
        ] {
            assert_eq!(scrub(s), None, "{s}");
        }
    }
}
