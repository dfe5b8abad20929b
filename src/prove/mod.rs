//! Proofs about a policy pack for every well-typed request, not only the recorded ones: Cedar's
//! symbolic compiler (SymCC) turns each policy into SMT constraints per request environment of
//! the schema (principal type, action, resource type), and a cvc5 process decides them.
//!
//! [`prove`] checks each policy on its own: it never errors, and it can match some request.
//! It also reports, as information, which policies another one implies. [`diff`] compares two
//! packs, policy by policy and as whole sets, with a counterexample request for each difference.
//!
//! Only the `snapback` command line links this module (feature `prove`); the Lambda does not.

mod counterexample;

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use cedar_policy::{ActionConstraint, EntityUid, Policy, PolicyId, PolicySet, RequestEnv, Schema};
use cedar_policy_symcc::solver::LocalSolver;
use cedar_policy_symcc::{CedarSymCompiler, CompiledPolicy, CompiledPolicySet};

pub use counterexample::Counterexample;

use crate::policy::{LoadError, Mode};

/// Why an analysis could not be carried out (as opposed to what it found).
#[derive(Debug, thiserror::Error)]
pub enum ProveError {
    #[error("the policies do not load")]
    Load(Vec<LoadError>),
    #[error("{path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: the policy does not parse on its own: {message}")]
    Parse { path: PathBuf, message: String },
    #[error("{old} and {new} have different schemas; diff compares packs of one schema")]
    Schemas { old: PathBuf, new: PathBuf },
    #[error("{}", solver_hint(.0))]
    Solver(String),
    #[error("{file}:{line}: policy `{id}`: {message}")]
    Symcc {
        id: String,
        file: PathBuf,
        line: usize,
        message: String,
    },
}

fn solver_hint(message: &str) -> String {
    format!(
        "cannot run the cvc5 SMT solver ({message}); set CVC5 to a cvc5 1.3 executable, or run \
         `source scripts/cvc5.sh && cvc5_setup` to install one"
    )
}

/// One policy of a pack, as the analyses see it.
#[derive(Debug, Clone)]
pub struct Entry {
    pub id: String,
    pub file: PathBuf,
    /// The line of the policy's `forbid` or `permit` keyword, from 1.
    pub line: usize,
    pub mode: Mode,
    pub policy: Policy,
    /// Indexes into [`Analyzed::envs`] of the request environments whose action the policy's
    /// scope names (directly, or through an action group): in any other it matches nothing.
    pub envs: Vec<usize>,
}

impl Entry {
    /// `policies/ec2-ssh-open.cedar:7`
    pub fn place(&self) -> String {
        format!("{}:{}", self.file.display(), self.line)
    }
}

/// A pack loaded for symbolic analysis: strictly validated, then each policy re-parsed from its
/// file with its line.
#[derive(Debug)]
pub struct Analyzed {
    pub dir: PathBuf,
    pub schema: Schema,
    pub envs: Vec<RequestEnv>,
    pub policies: Vec<Entry>,
}

impl Analyzed {
    pub fn load(dir: &Path) -> Result<Self, ProveError> {
        let pack = crate::policy::load_revalidated(dir, &crate::remediation::names())
            .map_err(ProveError::Load)?;
        let schema = pack
            .schema()
            .map_err(|e| ProveError::Parse {
                path: dir.join(crate::policy::SCHEMA_FILE),
                message: e.to_string(),
            })?
            .clone();
        // Sorted: the schema gives them in no fixed order, and two packs are compared by index.
        let mut envs: Vec<RequestEnv> = schema.request_envs().collect();
        envs.sort_by_cached_key(|e| {
            (
                e.principal().to_string(),
                e.action().to_string(),
                e.resource().to_string(),
            )
        });
        let groups = action_groups(&schema, &envs);
        let mut policies = Vec::with_capacity(pack.policies.len());
        for meta in &pack.policies {
            let src = std::fs::read_to_string(&meta.file).map_err(|source| ProveError::Read {
                path: meta.file.clone(),
                source,
            })?;
            let policy = Policy::parse(Some(PolicyId::new(&meta.id)), &src).map_err(|e| {
                ProveError::Parse {
                    path: meta.file.clone(),
                    message: e.to_string(),
                }
            })?;
            let envs = envs
                .iter()
                .enumerate()
                .filter(|(i, env)| {
                    scope_names(
                        &policy,
                        env.action(),
                        groups.get(i).map_or(&[][..], Vec::as_slice),
                    )
                })
                .map(|(i, _)| i)
                .collect();
            policies.push(Entry {
                id: meta.id.clone(),
                file: meta.file.clone(),
                line: effect_line(&src),
                mode: meta.mode,
                policy,
                envs,
            });
        }
        Ok(Self {
            dir: dir.to_path_buf(),
            schema,
            envs,
            policies,
        })
    }

    pub fn get(&self, id: &str) -> Option<&Entry> {
        self.policies.iter().find(|p| p.id == id)
    }

    fn compile(&self, entry: &Entry, env: usize) -> Result<CompiledPolicy, ProveError> {
        let request_env = self
            .envs
            .get(env)
            .ok_or_else(|| symcc_error(entry, "no such request environment"))?;
        CompiledPolicy::compile(&entry.policy, request_env, &self.schema)
            .map_err(|e| symcc_error(entry, &e.to_string()))
    }

    /// `Aws::AssumedRole, Aws::Action::"iam:CreateRole", Aws::IamRole`
    pub fn env_name(&self, env: usize) -> String {
        self.envs.get(env).map_or_else(String::new, |e| {
            format!("{}, {}, {}", e.principal(), e.action(), e.resource())
        })
    }
}

fn symcc_error(entry: &Entry, message: &str) -> ProveError {
    ProveError::Symcc {
        id: entry.id.clone(),
        file: entry.file.clone(),
        line: entry.line,
        message: message.to_owned(),
    }
}

/// The action groups each request environment's action belongs to (its ancestors in the
/// schema's action hierarchy), by environment index.
fn action_groups(schema: &Schema, envs: &[RequestEnv]) -> HashMap<usize, Vec<EntityUid>> {
    let Ok(actions) = schema.action_entities() else {
        return HashMap::new();
    };
    envs.iter()
        .enumerate()
        .map(|(i, env)| {
            let groups = actions
                .ancestors(env.action())
                .map(|it| it.cloned().collect())
                .unwrap_or_default();
            (i, groups)
        })
        .collect()
}

/// Whether a policy's action scope admits `action` (a member of `groups`).
fn scope_names(policy: &Policy, action: &EntityUid, groups: &[EntityUid]) -> bool {
    let admits = |uid: &EntityUid| uid == action || groups.contains(uid);
    match policy.action_constraint() {
        ActionConstraint::Any => true,
        ActionConstraint::Eq(uid) => admits(&uid),
        ActionConstraint::In(uids) => uids.iter().any(admits),
    }
}

/// The line (from 1) of the first `forbid` or `permit` that starts a line, else 1.
fn effect_line(src: &str) -> usize {
    src.lines()
        .position(|l| {
            let l = l.trim_start();
            l.starts_with("forbid") || l.starts_with("permit")
        })
        .map_or(1, |i| i + 1)
}

/// One cvc5 process and the runtime that talks to it. Each worker thread of an analysis has
/// its own, so the pack's checks run on every core.
pub struct Checker {
    runtime: tokio::runtime::Runtime,
    solver: CedarSymCompiler<LocalSolver>,
}

impl Checker {
    /// A cvc5 process: `CVC5` names the executable, else `cvc5` on `PATH`.
    pub fn start() -> Result<Self, ProveError> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| ProveError::Solver(format!("cannot start the async runtime: {e}")))?;
        let solver = runtime.block_on(async {
            let cvc5 = LocalSolver::cvc5().map_err(|e| ProveError::Solver(e.to_string()))?;
            CedarSymCompiler::new(cvc5).map_err(|e| ProveError::Solver(e.to_string()))
        })?;
        Ok(Self { runtime, solver })
    }
}

/// How many solver processes an analysis runs at once: one per core.
fn jobs() -> usize {
    std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
}

/// `work` on every item, on [`jobs`] threads with a [`Checker`] each; the results in the
/// items' order, or the first error.
fn parallel<T: Sync, R: Send>(
    items: &[T],
    work: impl Fn(&mut Checker, &T) -> Result<R, ProveError> + Sync,
) -> Result<Vec<R>, ProveError> {
    let jobs = jobs().min(items.len()).max(1);
    let next = std::sync::atomic::AtomicUsize::new(0);
    let results = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..jobs)
            .map(|_| {
                scope.spawn(|| -> Result<Vec<(usize, R)>, ProveError> {
                    let mut checker = Checker::start()?;
                    let mut done = Vec::new();
                    loop {
                        let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        let Some(item) = items.get(i) else {
                            return Ok(done);
                        };
                        done.push((i, work(&mut checker, item)?));
                    }
                })
            })
            .collect();
        workers
            .into_iter()
            .map(|w| {
                w.join()
                    .unwrap_or_else(|_| Err(ProveError::Solver("a worker thread panicked".into())))
            })
            .collect::<Vec<_>>()
    });
    let mut all = Vec::with_capacity(items.len());
    for result in results {
        all.extend(result?);
    }
    all.sort_by_key(|(i, _)| *i);
    Ok(all.into_iter().map(|(_, r)| r).collect())
}

/// What `prove` found about one policy.
#[derive(Debug, Clone)]
pub enum Finding {
    /// Some well-typed request makes the policy error: Cedar skips it, so the violation it
    /// should catch goes unseen.
    Errors { policy: String, cex: Counterexample },
    /// No well-typed request matches the policy: it can never catch anything.
    Vacuous { policy: String, envs: usize },
    /// Every request `policy` matches, `implied` matches too (information, not a failure).
    Implies { policy: String, implied: String },
}

impl Finding {
    pub fn is_failure(&self) -> bool {
        !matches!(self, Self::Implies { .. })
    }
}

/// What `prove` did and found.
#[derive(Debug, Default)]
pub struct ProveReport {
    pub findings: Vec<Finding>,
    pub policies: usize,
    /// (policy, request environment) pairs compiled and checked.
    pub checks: usize,
    /// Policy pairs compared for implication.
    pub pairs: usize,
}

/// What one policy's own checks found, and the environments where it can match.
struct Checked {
    errors: Option<Counterexample>,
    /// With the compiled policy when the implication pass needs it (kept only then: for the
    /// shipped pack they take some 700 MiB).
    matching: Vec<(usize, Option<CompiledPolicy>)>,
}

/// Prove facts about every policy of `pack` (see the module docs). `implications` also
/// compares each pair of policies whose environments overlap.
pub fn prove(pack: &Analyzed, implications: bool) -> Result<ProveReport, ProveError> {
    let checked = parallel(&pack.policies, |checker, entry| {
        check(pack, checker, entry, implications)
    })?;
    let mut report = ProveReport {
        policies: pack.policies.len(),
        checks: pack.policies.iter().map(|p| p.envs.len()).sum(),
        ..ProveReport::default()
    };
    for (entry, checked) in pack.policies.iter().zip(&checked) {
        if let Some(cex) = &checked.errors {
            report.findings.push(Finding::Errors {
                policy: entry.id.clone(),
                cex: cex.clone(),
            });
        }
        if checked.matching.is_empty() {
            report.findings.push(Finding::Vacuous {
                policy: entry.id.clone(),
                envs: entry.envs.len(),
            });
        }
    }
    if implications {
        // Policy `a` implies `b` when, in every environment where `a` can match, `b` can match
        // too, and matches whatever `a` matches.
        let mut pairs = Vec::new();
        for (a, a_checked) in checked.iter().enumerate() {
            for (b, b_checked) in checked.iter().enumerate() {
                let covered = !a_checked.matching.is_empty()
                    && a_checked
                        .matching
                        .iter()
                        .all(|(env, _)| b_checked.matching.iter().any(|(other, _)| other == env));
                if a != b && covered {
                    pairs.push((a, b));
                }
            }
        }
        report.pairs = pairs.len();
        let implied = parallel(&pairs, |checker, &(a, b)| {
            let (Some(a_checked), Some(b_checked), Some(entry)) =
                (checked.get(a), checked.get(b), pack.policies.get(a))
            else {
                return Ok(false);
            };
            for (env, a_compiled) in &a_checked.matching {
                let b_compiled = b_checked.matching.iter().find(|(e, _)| e == env);
                let (Some(a_compiled), Some((_, Some(b_compiled)))) = (a_compiled, b_compiled)
                else {
                    return Ok(false);
                };
                let holds = checker
                    .runtime
                    .block_on(
                        checker
                            .solver
                            .check_matches_implies_opt(a_compiled, b_compiled),
                    )
                    .map_err(|e| symcc_error(entry, &e.to_string()))?;
                if !holds {
                    return Ok(false);
                }
            }
            Ok(true)
        })?;
        for (&(a, b), holds) in pairs.iter().zip(implied) {
            if let (true, Some(a), Some(b)) = (holds, pack.policies.get(a), pack.policies.get(b)) {
                report.findings.push(Finding::Implies {
                    policy: a.id.clone(),
                    implied: b.id.clone(),
                });
            }
        }
    }
    Ok(report)
}

/// One policy in each environment its action scope names: can it error, can it match. `keep`
/// keeps the compiled policy of each environment where it can match.
fn check(
    pack: &Analyzed,
    checker: &mut Checker,
    entry: &Entry,
    keep: bool,
) -> Result<Checked, ProveError> {
    let mut checked = Checked {
        errors: None,
        matching: Vec::new(),
    };
    for &env in &entry.envs {
        let compiled = pack.compile(entry, env)?;
        let fail = |e: cedar_policy_symcc::err::Error| symcc_error(entry, &e.to_string());
        if checked.errors.is_none() {
            let result = checker.runtime.block_on(
                checker
                    .solver
                    .check_never_errors_with_counterexample_opt(&compiled),
            );
            checked.errors = found(result, pack, entry, env)?;
        }
        let never = checker
            .runtime
            .block_on(checker.solver.check_never_matches_opt(&compiled))
            .map_err(fail)?;
        if !never {
            checked.matching.push((env, keep.then_some(compiled)));
        }
    }
    Ok(checked)
}

/// How the new version of a policy, or of the whole pack, compares with the old.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Change {
    Equivalent,
    /// Matches less: some violation the old one caught is no longer caught.
    Narrower,
    /// Matches more.
    Wider,
    /// Each matches something the other does not.
    Incomparable,
    Added,
    Removed,
}

impl Change {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Equivalent => "equivalent",
            Self::Narrower => "narrower",
            Self::Wider => "wider",
            Self::Incomparable => "incomparable",
            Self::Added => "added",
            Self::Removed => "removed",
        }
    }

    /// Whether some violation the old pack caught may no longer be caught.
    pub fn narrows(self) -> bool {
        matches!(self, Self::Narrower | Self::Incomparable | Self::Removed)
    }

    fn of(old_only: bool, new_only: bool) -> Self {
        match (old_only, new_only) {
            (false, false) => Self::Equivalent,
            (true, false) => Self::Narrower,
            (false, true) => Self::Wider,
            (true, true) => Self::Incomparable,
        }
    }
}

/// One policy's difference between two packs, or the whole packs' (policy `None`).
#[derive(Debug, Clone)]
pub struct Difference {
    pub policy: Option<String>,
    pub change: Change,
    /// A request the old matches and the new does not (for narrower and incomparable).
    pub lost: Option<Counterexample>,
    /// A request the new matches and the old does not (for wider and incomparable).
    pub gained: Option<Counterexample>,
    /// `old → new` when the policy's `@mode` changed.
    pub mode: Option<(Mode, Mode)>,
}

/// Every policy's comparison, by id, and the whole packs'.
#[derive(Debug)]
pub struct DiffReport {
    pub policies: Vec<Difference>,
    pub whole: Difference,
}

impl DiffReport {
    pub fn narrows(&self) -> bool {
        self.whole.change.narrows() || self.policies.iter().any(|d| d.change.narrows())
    }
}

/// Compare two packs with the same schema: each policy by `@id`, and the active policies of
/// each pack as one set (a request is a violation when some active policy matches it).
pub fn diff(old: &Analyzed, new: &Analyzed) -> Result<DiffReport, ProveError> {
    let names = |pack: &Analyzed| {
        (0..pack.envs.len())
            .map(|i| pack.env_name(i))
            .collect::<Vec<_>>()
    };
    if names(old) != names(new) {
        return Err(ProveError::Schemas {
            old: old.dir.clone(),
            new: new.dir.clone(),
        });
    }
    let ids: Vec<&str> = old
        .policies
        .iter()
        .chain(&new.policies)
        .map(|p| p.id.as_str())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let policies = parallel(&ids, |checker, &id| match (old.get(id), new.get(id)) {
        (Some(o), Some(n)) => compare_policy(old, o, new, n, checker),
        (Some(_), None) => Ok(bare(id, Change::Removed)),
        (_, _) => Ok(bare(id, Change::Added)),
    })?;
    let whole = compare_sets(old, new)?;
    Ok(DiffReport { policies, whole })
}

fn bare(id: &str, change: Change) -> Difference {
    Difference {
        policy: Some(id.to_owned()),
        change,
        lost: None,
        gained: None,
        mode: None,
    }
}

/// What a `check_*_with_counterexample` call on `entry` in `env` found, as a [`Counterexample`].
fn found(
    result: Result<Option<cedar_policy_symcc::Env>, cedar_policy_symcc::err::Error>,
    pack: &Analyzed,
    entry: &Entry,
    env: usize,
) -> Result<Option<Counterexample>, ProveError> {
    Ok(result
        .map_err(|e| symcc_error(entry, &e.to_string()))?
        .map(|cex| Counterexample::new(&cex, pack.env_name(env))))
}

/// A request `a` matches and `b` does not, if there is one (`a`, `b` compiled in `env`).
fn cex_policy(
    checker: &mut Checker,
    a: &CompiledPolicy,
    b: &CompiledPolicy,
    pack: &Analyzed,
    entry: &Entry,
    env: usize,
) -> Result<Option<Counterexample>, ProveError> {
    let result = checker.runtime.block_on(
        checker
            .solver
            .check_matches_implies_with_counterexample_opt(a, b),
    );
    found(result, pack, entry, env)
}

/// A request `policy` (compiled in `env`) matches, if there is one.
fn cex_match(
    checker: &mut Checker,
    policy: &CompiledPolicy,
    pack: &Analyzed,
    entry: &Entry,
    env: usize,
) -> Result<Option<Counterexample>, ProveError> {
    let result = checker.runtime.block_on(
        checker
            .solver
            .check_never_matches_with_counterexample_opt(policy),
    );
    found(result, pack, entry, env)
}

fn compare_policy(
    old: &Analyzed,
    o: &Entry,
    new: &Analyzed,
    n: &Entry,
    checker: &mut Checker,
) -> Result<Difference, ProveError> {
    let mut lost = None;
    let mut gained = None;
    if o.policy.to_string() != n.policy.to_string() {
        let envs: BTreeSet<usize> = o.envs.iter().chain(&n.envs).copied().collect();
        for env in envs {
            if lost.is_some() && gained.is_some() {
                break;
            }
            // In an environment only one version's scope names, the other matches nothing:
            // whatever the one matches there is the difference.
            match (o.envs.contains(&env), n.envs.contains(&env)) {
                (true, true) => {
                    let (oc, nc) = (old.compile(o, env)?, new.compile(n, env)?);
                    if lost.is_none() {
                        lost = cex_policy(checker, &oc, &nc, old, n, env)?;
                    }
                    if gained.is_none() {
                        gained = cex_policy(checker, &nc, &oc, old, n, env)?;
                    }
                }
                (true, false) if lost.is_none() => {
                    lost = cex_match(checker, &old.compile(o, env)?, old, o, env)?;
                }
                (false, true) if gained.is_none() => {
                    gained = cex_match(checker, &new.compile(n, env)?, new, n, env)?;
                }
                _ => {}
            }
        }
    }
    Ok(Difference {
        policy: Some(n.id.clone()),
        change: Change::of(lost.is_some(), gained.is_some()),
        lost,
        gained,
        mode: (o.mode != n.mode).then_some((o.mode, n.mode)),
    })
}

/// The active policies of a pack whose scope names an environment's action.
fn active_in(pack: &Analyzed, env: usize) -> Vec<&Entry> {
    pack.policies
        .iter()
        .filter(|p| p.mode != Mode::Off && p.envs.contains(&env))
        .collect()
}

/// The active policies of a pack relevant to one environment, as permits, with one that never
/// matches so that no set is empty: the set allows exactly the requests the pack decides are
/// violations.
fn violation_set(entries: &[&Entry]) -> Result<PolicySet, ProveError> {
    let mut set = PolicySet::new();
    let never = Policy::parse(
        Some(PolicyId::new("snapback-prove-never")),
        "permit(principal, action, resource) when { false };",
    )
    .map_err(|e| ProveError::Solver(e.to_string()))?;
    let _ = set.add(never);
    for entry in entries {
        let mut json = entry
            .policy
            .to_json()
            .map_err(|e| symcc_error(entry, &e.to_string()))?;
        if let Some(effect) = json.get_mut("effect") {
            *effect = serde_json::Value::from("permit");
        }
        let permit = Policy::from_json(Some(PolicyId::new(&entry.id)), json)
            .map_err(|e| symcc_error(entry, &e.to_string()))?;
        set.add(permit)
            .map_err(|e| symcc_error(entry, &e.to_string()))?;
    }
    Ok(set)
}

/// The whole packs, environment by environment: the first environment (in the schema's order)
/// where the old catches a request the new does not gives the `lost` counterexample, and
/// likewise for `gained`. Environments where both packs have the same active policies, word
/// for word, are equivalent without asking the solver.
fn compare_sets(old: &Analyzed, new: &Analyzed) -> Result<Difference, ProveError> {
    let texts = |entries: &[&Entry]| {
        entries
            .iter()
            .map(|e| (e.id.clone(), e.policy.to_string()))
            .collect::<Vec<_>>()
    };
    let differing: Vec<usize> = (0..old.envs.len())
        .filter(|&env| texts(&active_in(old, env)) != texts(&active_in(new, env)))
        .collect();
    let found = parallel(&differing, |checker, &env| {
        let Some(request_env) = old.envs.get(env) else {
            return Ok((None, None));
        };
        let compile = |entries: &[&Entry]| {
            CompiledPolicySet::compile(&violation_set(entries)?, request_env, &old.schema)
                .map_err(|e| ProveError::Solver(format!("{}: {e}", old.env_name(env))))
        };
        let (oc, nc) = (
            compile(&active_in(old, env))?,
            compile(&active_in(new, env))?,
        );
        let mut cex = |a: &CompiledPolicySet, b: &CompiledPolicySet| {
            checker
                .runtime
                .block_on(checker.solver.check_implies_with_counterexample_opt(a, b))
                .map_err(|e| ProveError::Solver(e.to_string()))
                .map(|found| found.map(|c| Counterexample::new(&c, old.env_name(env))))
        };
        Ok((cex(&oc, &nc)?, cex(&nc, &oc)?))
    })?;
    let lost = found.iter().find_map(|(lost, _)| lost.clone());
    let gained = found.iter().find_map(|(_, gained)| gained.clone());
    Ok(Difference {
        policy: None,
        change: Change::of(lost.is_some(), gained.is_some()),
        lost,
        gained,
        mode: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_effect_line_is_the_first_line_that_starts_a_policy() {
        assert_eq!(effect_line("@id(\"a\")\n@mode(\"audit\")\nforbid (\n"), 3);
        assert_eq!(
            effect_line("// permits nothing\n  permit(principal, action, resource);"),
            2
        );
        assert_eq!(effect_line(""), 1);
    }

    #[test]
    fn changes_read_from_what_each_side_alone_matches() {
        assert_eq!(Change::of(false, false), Change::Equivalent);
        assert_eq!(Change::of(true, false), Change::Narrower);
        assert_eq!(Change::of(false, true), Change::Wider);
        assert_eq!(Change::of(true, true), Change::Incomparable);
        assert!(Change::Removed.narrows() && Change::Incomparable.narrows());
        assert!(!Change::Added.narrows() && !Change::Wider.narrows());
    }
}
