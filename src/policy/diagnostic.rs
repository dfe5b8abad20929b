//! What can be wrong with a policy directory: [`LoadError`], a miette diagnostic with its file
//! and span, and [`render`], which prints every one of them.

use std::path::{Path, PathBuf};

use miette::{Diagnostic, NamedSource, SourceSpan};

use super::SCHEMA_FILE;

/// A problem with a policy directory.
#[derive(Debug, thiserror::Error, Diagnostic)]
pub enum LoadError {
    #[error("cannot read `{path}`: {source}")]
    #[diagnostic(
        code(snapback::policy::io),
        help("check that `--policies` names a readable directory")
    )]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },

    #[error("no `{SCHEMA_FILE}` in `{dir}`")]
    #[diagnostic(
        code(snapback::policy::no_schema),
        help("copy policies/{SCHEMA_FILE} from snapback into this directory")
    )]
    NoSchema { dir: PathBuf },

    #[error("no `*.cedar` policies in `{dir}`")]
    #[diagnostic(
        code(snapback::policy::empty),
        help("point `--policies` at a directory of `*.cedar` files")
    )]
    Empty { dir: PathBuf },

    #[error("`{file}` holds {count} policies")]
    #[diagnostic(
        code(snapback::policy::one_per_file),
        help("put exactly one policy in each `.cedar` file")
    )]
    NotOne { file: PathBuf, count: usize },

    #[error("`{file}` is a template")]
    #[diagnostic(
        code(snapback::policy::template),
        help(
            "snapback evaluates static policies; replace `?principal`/`?resource` with concrete values"
        )
    )]
    Template {
        file: PathBuf,
        #[source_code]
        src: NamedSource<String>,
    },

    #[error("`permit` policies are not evaluated by snapback")]
    #[diagnostic(
        code(snapback::policy::permit),
        help("describe what is non-compliant with `forbid`; write exceptions with `unless`")
    )]
    Permit {
        #[source_code]
        src: NamedSource<String>,
        #[label("here")]
        span: SourceSpan,
    },

    #[error("missing annotation `@{name}`")]
    #[diagnostic(
        code(snapback::policy::missing_annotation),
        help("add `@{name}(\"...\")` above `forbid`; see docs/policy-authoring.md")
    )]
    MissingAnnotation {
        name: String,
        #[source_code]
        src: NamedSource<String>,
        #[label("in this policy")]
        span: SourceSpan,
    },

    #[error("invalid `@{name}(\"{value}\")`")]
    #[diagnostic(code(snapback::policy::invalid_annotation), help("{help}"))]
    InvalidAnnotation {
        name: String,
        value: String,
        help: String,
        #[source_code]
        src: NamedSource<String>,
        #[label("here")]
        span: SourceSpan,
    },

    #[error("unknown annotation `@{name}`")]
    #[diagnostic(code(snapback::policy::unknown_annotation), help("{help}"))]
    UnknownAnnotation {
        name: String,
        help: String,
        #[source_code]
        src: NamedSource<String>,
        #[label("here")]
        span: SourceSpan,
    },

    #[error("policy id `{id}` is used twice, also in `{other}`")]
    #[diagnostic(
        code(snapback::policy::duplicate_id),
        help("give every policy its own `@id`")
    )]
    DuplicateId {
        id: String,
        other: PathBuf,
        #[source_code]
        src: NamedSource<String>,
        #[label("here")]
        span: SourceSpan,
    },

    #[error("{0}")]
    #[diagnostic(transparent)]
    Cedar(Box<dyn Diagnostic + Send + Sync>),
}

/// Every diagnostic rendered with miette's graphical handler (in colour or plain), each followed
/// by a blank line: what `snapback validate` prints and what a Lambda's failed init reports.
pub fn render(errors: &[LoadError], colour: bool) -> String {
    let handler = if colour {
        miette::GraphicalReportHandler::new()
    } else {
        miette::GraphicalReportHandler::new_themed(miette::GraphicalTheme::none())
    };
    let mut out = String::new();
    for err in errors {
        let mut text = String::new();
        if handler.render_report(&mut text, err).is_err() {
            text = format!("error: {err}\n");
        }
        out.push_str(&text);
        out.push('\n');
    }
    out
}

impl LoadError {
    /// A Cedar parse, schema or validation error, shown against its file.
    pub(super) fn cedar(
        err: impl Diagnostic + Send + Sync + 'static,
        file: &Path,
        src: &str,
    ) -> Self {
        Self::Cedar(Box::new(WithSource {
            inner: Box::new(err),
            src: NamedSource::new(file.display().to_string(), src.to_owned()),
        }))
    }
}

/// Attaches a file's text to a diagnostic that carries only spans.
#[derive(Debug, thiserror::Error)]
#[error("{inner}")]
struct WithSource {
    inner: Box<dyn Diagnostic + Send + Sync>,
    src: NamedSource<String>,
}

impl Diagnostic for WithSource {
    fn code<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        self.inner.code()
    }
    fn help<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        self.inner.help()
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = miette::LabeledSpan> + '_>> {
        self.inner.labels()
    }
    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        Some(&self.src)
    }
    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn Diagnostic> + 'a>> {
        self.inner.related()
    }
}
