//! Logs and traces. `tracing` everywhere; spans become OpenTelemetry spans, exported over OTLP
//! when `OTEL_EXPORTER_OTLP_ENDPOINT` is set. The W3C trace context travels with every event
//! (outbox row → AMQP headers), so one trace spans web → worker → notifier.

use std::collections::BTreeMap;

use opentelemetry::propagation::{Extractor, Injector, TextMapPropagator};
use opentelemetry::trace::TracerProvider as _;
use opentelemetry_sdk::metrics::SdkMeterProvider;
use opentelemetry_sdk::propagation::TraceContextPropagator;
use opentelemetry_sdk::trace::SdkTracerProvider;
use opentelemetry_sdk::Resource;
use tracing_opentelemetry::OpenTelemetrySpanExt;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::EnvFilter;

/// Flushes spans and metrics when dropped at the end of `main`.
pub struct TelemetryGuard {
    tracer_provider: SdkTracerProvider,
    meter_provider: Option<SdkMeterProvider>,
}

impl Drop for TelemetryGuard {
    fn drop(&mut self) {
        let _ = self.tracer_provider.shutdown();
        if let Some(meters) = &self.meter_provider {
            let _ = meters.shutdown();
        }
    }
}

/// Sets up logging (`RUST_LOG`, JSON lines when `LOG_FORMAT=json`) and tracing for `service`.
/// Safe to call more than once in one process (tests start several services): later calls
/// keep the first subscriber.
pub fn init(service: &'static str) -> TelemetryGuard {
    let resource = Resource::builder().with_service_name(service).build();
    let otlp_endpoint = std::env::var("OTEL_EXPORTER_OTLP_ENDPOINT")
        .ok()
        .filter(|v| !v.is_empty());

    let mut tracer_builder = SdkTracerProvider::builder().with_resource(resource.clone());
    let mut meter_provider = None;
    if otlp_endpoint.is_some() {
        match opentelemetry_otlp::SpanExporter::builder()
            .with_tonic()
            .build()
        {
            Ok(exporter) => tracer_builder = tracer_builder.with_batch_exporter(exporter),
            Err(error) => eprintln!("telemetry: OTLP span exporter not started: {error}"),
        }
        match opentelemetry_otlp::MetricExporter::builder()
            .with_tonic()
            .build()
        {
            Ok(exporter) => {
                let provider = SdkMeterProvider::builder()
                    .with_periodic_exporter(exporter)
                    .with_resource(resource)
                    .build();
                opentelemetry::global::set_meter_provider(provider.clone());
                meter_provider = Some(provider);
            }
            Err(error) => eprintln!("telemetry: OTLP metric exporter not started: {error}"),
        }
    }
    // Without an exporter spans still get trace ids, so the context still propagates.
    let tracer_provider = tracer_builder.build();
    let tracer = tracer_provider.tracer(service);

    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,lapin=warn,aws=warn,hyper=warn"));
    let json = std::env::var("LOG_FORMAT").is_ok_and(|v| v == "json");
    let fmt = tracing_subscriber::fmt::layer().with_target(false);
    let registry = tracing_subscriber::registry()
        .with(filter)
        .with(tracing_opentelemetry::layer().with_tracer(tracer));
    let _already_set = if json {
        registry.with(fmt.json()).try_init()
    } else {
        registry.with(fmt).try_init()
    };
    TelemetryGuard {
        tracer_provider,
        meter_provider,
    }
}

struct MapInjector<'a>(&'a mut BTreeMap<String, String>);

impl Injector for MapInjector<'_> {
    fn set(&mut self, key: &str, value: String) {
        self.0.insert(key.to_owned(), value);
    }
}

struct MapExtractor<'a>(&'a BTreeMap<String, String>);

impl Extractor for MapExtractor<'_> {
    fn get(&self, key: &str) -> Option<&str> {
        self.0.get(key).map(String::as_str)
    }

    fn keys(&self) -> Vec<&str> {
        self.0.keys().map(String::as_str).collect()
    }
}

/// The W3C trace context of the current span (`traceparent`, and `tracestate` when set).
pub fn current_trace_context() -> BTreeMap<String, String> {
    let mut map = BTreeMap::new();
    let context = tracing::Span::current().context();
    TraceContextPropagator::new().inject_context(&context, &mut MapInjector(&mut map));
    map
}

/// Makes `span` a child of the trace described by `trace_context` (from headers or an event).
pub fn set_parent(span: &tracing::Span, trace_context: &BTreeMap<String, String>) {
    let parent = TraceContextPropagator::new().extract(&MapExtractor(trace_context));
    span.set_parent(parent);
}

/// The platform's metrics, exported over OTLP with the traces (no-ops when no exporter runs).
pub mod metrics {
    use std::sync::OnceLock;

    use opentelemetry::metrics::{Counter, Histogram};
    pub use opentelemetry::KeyValue;

    pub struct Instruments {
        /// Time to answer a request, by route pattern and status.
        pub http_request_duration: Histogram<f64>,
        /// Time from commit to confirmed publish, per event.
        pub outbox_lag: Histogram<f64>,
        pub outbox_relayed: Counter<u64>,
        /// Notifications handled, by channel and outcome.
        pub notifications: Counter<u64>,
        /// SMS and voice messages not sent because an hourly budget was spent, by scope
        /// (`platform` or `tenant`): an operator alert.
        pub phone_budget_exhausted: Counter<u64>,
    }

    /// The instruments, made once from the meter provider `init` installed.
    pub fn instruments() -> &'static Instruments {
        static INSTRUMENTS: OnceLock<Instruments> = OnceLock::new();
        INSTRUMENTS.get_or_init(|| {
            let meter = opentelemetry::global::meter("zorgportaal");
            Instruments {
                http_request_duration: meter
                    .f64_histogram("http.server.request.duration")
                    .with_unit("ms")
                    .build(),
                outbox_lag: meter.f64_histogram("outbox.lag").with_unit("ms").build(),
                outbox_relayed: meter.u64_counter("outbox.relayed").build(),
                notifications: meter.u64_counter("notifications").build(),
                phone_budget_exhausted: meter.u64_counter("phone.budget.exhausted").build(),
            }
        })
    }
}
