//! The Lambda function's entry point (`provided.al2023`): init once per cold start, then the
//! Lambda Runtime API loop. Everything else lives in `snapback::lambda`.
//!
//! Init loads and strictly validates the whole policy set and builds the SDK clients. If any of
//! it fails, the function reports an init error to the Runtime API and exits: snapback never
//! runs with part of a policy set.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use lambda_runtime::{LambdaEvent, service_fn};
use serde_json::Value;
use snapback::lambda::{Function, Invocation, Settings};

fn main() -> ExitCode {
    let started = Instant::now();
    tracing_subscriber::fmt()
        .json()
        .flatten_event(true)
        .with_current_span(false)
        .with_span_list(false)
        .with_ansi(false)
        .with_writer(std::io::stdout)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("AWS_LAMBDA_LOG_LEVEL")
                .or_else(|_| tracing_subscriber::EnvFilter::try_from_default_env())
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .init();
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(err) => return init_failed("Runtime.Tokio", &err.to_string()),
    };
    let settings = match Settings::from_process_env() {
        Ok(settings) => settings,
        Err(err) => return init_failed(err.error_type(), &err.to_string()),
    };
    let function = match runtime.block_on(Function::init(&settings)) {
        Ok(function) => function,
        Err(err) => return init_failed(err.error_type(), &err.to_string()),
    };
    let pack = function.pack();
    tracing::info!(
        init_ms = started.elapsed().as_secs_f64() * 1000.0,
        policies = pack.policies.len(),
        policy_set = %pack.hash,
        mode = %settings.config.reactor.mode,
        "ready"
    );
    // One function for the life of the container.
    let function: &'static Function<_> = Box::leak(Box::new(function));
    let handler = service_fn(move |event: LambdaEvent<Value>| async move {
        let invocation = Invocation {
            request_id: event.context.request_id.clone(),
            xray_trace_id: event.context.xray_trace_id.clone(),
        };
        // Each record is logged, and its EMF documents written, as it is made.
        let report = function
            .handle_to(&event.payload, &invocation, std::io::stdout())
            .await;
        report.result.map_err(lambda_runtime::Error::from)
    });
    match runtime.block_on(lambda_runtime::run(handler)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            tracing::error!(error = %err, "the Lambda runtime loop ended");
            ExitCode::FAILURE
        }
    }
}

/// Log the init error, tell the Runtime API (so the console and the invocation show it), and
/// exit with failure.
fn init_failed(kind: &str, message: &str) -> ExitCode {
    tracing::error!(error_type = kind, "init failed: {message}");
    if let Ok(api) = std::env::var("AWS_LAMBDA_RUNTIME_API")
        && let Err(err) = post_init_error(&api, kind, message)
    {
        tracing::error!("could not report the init error to the Runtime API: {err}");
    }
    ExitCode::FAILURE
}

/// `POST /2018-06-01/runtime/init/error`, in plain HTTP/1.1: the runtime client is not usable
/// before the loop starts.
fn post_init_error(api: &str, kind: &str, message: &str) -> std::io::Result<()> {
    let body = serde_json::json!({
        "errorType": kind,
        "errorMessage": message,
        "stackTrace": [],
    })
    .to_string();
    let mut stream = TcpStream::connect(api)?;
    stream.set_read_timeout(Some(Duration::from_secs(2)))?;
    write!(
        stream,
        "POST /2018-06-01/runtime/init/error HTTP/1.1\r\nHost: {api}\r\n\
         Lambda-Runtime-Function-Error-Type: {kind}\r\n\
         Content-Type: application/vnd.aws.lambda.error+json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )?;
    let mut reply = Vec::new();
    let _ = stream.read_to_end(&mut reply);
    Ok(())
}
